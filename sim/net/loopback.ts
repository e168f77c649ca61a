import { isIP } from "node:net";

/** The simulator never talks to anything outside 127.0.0.0/8. */
export function isLoopback(ip: string): boolean {
  return isIP(ip) === 4 && ip.startsWith("127.");
}

export function assertLoopback(ip: string, what: string): void {
  if (!isLoopback(ip)) throw new Error(`${what} must be a 127.0.0.0/8 address, got ${ip}`);
}

export interface HostPort {
  host: string;
  port: number;
}

/** "host", "host:port" -> HostPort; null if the port is not a number. */
export function parseHostPort(text: string, defaultPort: number): HostPort | null {
  const match = /^([^:\s]+)(?::(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const port = match[2] ? Number(match[2]) : defaultPort;
  return port > 0 && port < 65536 ? { host: match[1], port } : null;
}
