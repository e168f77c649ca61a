import { randomInt } from "node:crypto";
import { connect } from "node:net";
import { describeFailure, RCODES, rcodeName } from "../../core/dns/rcode";
import type { RecordType } from "../../core/dns/records";
import { answerRecordSet, type ObservedRecordSet, responseCode } from "../../core/dns/response";
import { sign, type TsigKey, verify } from "../../core/dns/tsig";
import { encodeQuery, encodeUpdate, type UpdateRequest } from "../../core/dns/update-message";

export interface DnsServer {
  host: string;
  port: number;
}

/** Where and how to send signed updates for one zone. */
export interface Rfc2136Target {
  server: DnsServer;
  zone: string;
  key: TsigKey;
  timeoutMs: number;
}

/** A DNS failure in plain words. Carries the codes for callers that branch on them; never the secret. */
export class DnsError extends Error {
  constructor(
    message: string,
    readonly rcode?: number,
    readonly tsigError?: number,
  ) {
    super(message);
    this.name = "DnsError";
  }
}

/** Sends one signed UPDATE and checks the server's signed reply. Throws DnsError; on failure nothing changed. */
export async function applyUpdate(target: Rfc2136Target, request: UpdateRequest): Promise<void> {
  const reply = await signedExchange(target, encodeUpdate(randomInt(0x10000), request));
  const rcode = responseCode(reply);
  if (rcode !== RCODES.NOERROR) throw failure(target, rcode);
}

/**
 * Reads one RRset from the server, without recursion. With a key the query is signed and the reply verified,
 * so the answer provably comes from the server that holds the key. Undefined when the server has no such records.
 */
export async function queryRecordSet(
  target: Omit<Rfc2136Target, "key"> & { key?: TsigKey },
  name: string,
  type: RecordType,
): Promise<ObservedRecordSet | undefined> {
  const query = encodeQuery(randomInt(0x10000), name, type);
  const reply = target.key
    ? await signedExchange({ ...target, key: target.key }, query)
    : await exchange(target.server, query, target.timeoutMs);
  const rcode = responseCode(reply);
  if (rcode === RCODES.NXDOMAIN) return undefined;
  if (rcode !== RCODES.NOERROR) {
    throw new DnsError(
      `DNS server ${serverText(target.server)} would not answer for ${name} ${type} (${rcodeName(rcode)}): is it authoritative for "${target.zone}"?`,
      rcode,
    );
  }
  return answerRecordSet(reply, name, type);
}

async function signedExchange(target: Rfc2136Target, message: Buffer): Promise<Buffer> {
  const signed = sign(message, target.key, Math.floor(Date.now() / 1000));
  const reply = await exchange(target.server, signed.message, target.timeoutMs);
  if (reply.readUInt16BE(0) !== message.readUInt16BE(0)) {
    throw new DnsError(`DNS server ${serverText(target.server)} answered a different message id`);
  }
  const check = verify(reply, target.key, Math.floor(Date.now() / 1000), signed.mac);
  if (check.ok) return reply;
  const rcode = responseCode(reply);
  if (check.problem === "tsig-error") throw failure(target, rcode, check.record?.error);
  if (check.problem === "unsigned" && rcode !== RCODES.NOERROR) throw failure(target, rcode);
  if (check.problem === "bad-time") {
    throw new DnsError(
      `DNS server ${serverText(target.server)}: the clocks of this machine and the server differ by more than 5 minutes`,
    );
  }
  throw new DnsError(
    `DNS server ${serverText(target.server)} sent a reply that is not signed with key "${target.key.name}" (${check.problem}); ` +
      "it was not trusted. Is this the right server?",
    rcode,
  );
}

function failure(target: Rfc2136Target, rcode: number, tsigError?: number): DnsError {
  const message = describeFailure({
    rcode,
    tsigError,
    zone: target.zone,
    keyName: target.key.name,
    server: serverText(target.server),
  });
  return new DnsError(message, rcode, tsigError);
}

export function serverText(server: DnsServer): string {
  return server.host.includes(":") ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** One request and one reply over TCP, with RFC 1035 §4.2.2 length framing. */
export function exchange(server: DnsServer, message: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      outcome();
    };
    const fail = (why: string) =>
      settle(() => reject(new DnsError(`cannot reach DNS server ${serverText(server)}: ${why}`)));
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000} s`));
    socket.on("error", (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.on("connect", () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      socket.write(Buffer.concat([length, message]));
    });
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      const length = received.length >= 2 ? received.readUInt16BE(0) : Number.POSITIVE_INFINITY;
      if (received.length >= 2 + length) settle(() => resolve(received.subarray(2, 2 + length)));
    });
    socket.on("end", () => fail("the connection closed before a full reply"));
  });
}
