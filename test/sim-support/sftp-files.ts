import type { SFTPWrapper } from "ssh2";

export function writeRemote(sftp: SFTPWrapper, name: string, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => sftp.writeFile(name, data, (error) => (error ? reject(error) : resolve())));
}

export function readRemote(sftp: SFTPWrapper, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    sftp.readFile(name, (error: Error | undefined, data: Buffer) => (error ? reject(error) : resolve(data))),
  );
}
