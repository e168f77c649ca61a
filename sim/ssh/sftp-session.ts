import { type Attributes, type SFTPWrapper, utils } from "ssh2";
import { FileStore } from "../files/file-store";

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

type Handle = { kind: "file"; name: string; append: boolean } | { kind: "dir"; listed: boolean };

const ROOT_NAMES = new Set(["", ".", "/", "/."]);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function attrsOf(size: number, mtime: Date, directory: boolean): Attributes {
  const seconds = Math.floor(mtime.getTime() / 1000);
  return { mode: directory ? 0o40755 : 0o100644, uid: 0, gid: 0, size, atime: seconds, mtime: seconds };
}

function longname(name: string, size: number, mtime: Date): string {
  const stamp = `${MONTHS[mtime.getMonth()]} ${String(mtime.getDate()).padStart(2)} ${mtime.toTimeString().slice(0, 5)}`;
  return `-rw-r--r--    1 admin    admin    ${String(size).padStart(8)} ${stamp} ${name}`;
}

/** SFTP on the MMP's flat root: files only, no directories, writes at any offset. */
export function serveSftp(sftp: SFTPWrapper, files: FileStore): void {
  const handles = new Map<number, Handle>();
  let nextHandle = 1;
  const newHandle = (handle: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, handle);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id);
    return buffer;
  };
  const lookup = (buffer: Buffer): Handle | undefined =>
    buffer.length === 4 ? handles.get(buffer.readUInt32BE(0)) : undefined;
  const fileAttrs = (name: string): Attributes | null => {
    const file = files.get(name);
    return file ? attrsOf(file.data.length, file.mtime, false) : null;
  };
  const statPath = (reqId: number, path: string): void => {
    if (ROOT_NAMES.has(path)) {
      sftp.attrs(reqId, attrsOf(0, new Date(), true));
      return;
    }
    const name = FileStore.normalise(path);
    const attrs = name ? fileAttrs(name) : null;
    if (attrs) sftp.attrs(reqId, attrs);
    else sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE);
  };

  sftp.on("REALPATH", (reqId, path) => {
    const name = ROOT_NAMES.has(path) || path === ".." ? null : FileStore.normalise(path);
    const filename = name ? `/${name}` : "/";
    sftp.name(reqId, [{ filename, longname: filename, attrs: attrsOf(0, new Date(), name === null) }]);
  });
  sftp.on("STAT", statPath);
  sftp.on("LSTAT", statPath);
  sftp.on("FSTAT", (reqId, buffer) => {
    const handle = lookup(buffer);
    const attrs = handle?.kind === "file" ? fileAttrs(handle.name) : handle ? attrsOf(0, new Date(), true) : null;
    if (attrs) sftp.attrs(reqId, attrs);
    else sftp.status(reqId, STATUS_CODE.FAILURE);
  });
  sftp.on("OPEN", (reqId, path, flags) => {
    const name = FileStore.normalise(path);
    if (!name) return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, "Only files in the root directory are supported");
    const exists = files.has(name);
    if (!(flags & OPEN_MODE.CREAT) && !exists) return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE);
    if (flags & OPEN_MODE.EXCL && exists) return sftp.status(reqId, STATUS_CODE.FAILURE, "File exists");
    if (!exists || flags & OPEN_MODE.TRUNC) files.truncate(name);
    sftp.handle(reqId, newHandle({ kind: "file", name, append: (flags & OPEN_MODE.APPEND) !== 0 }));
  });
  sftp.on("WRITE", (reqId, buffer, offset, data) => {
    const handle = lookup(buffer);
    if (handle?.kind !== "file") return sftp.status(reqId, STATUS_CODE.FAILURE);
    files.writeAt(handle.name, handle.append ? (files.read(handle.name)?.length ?? 0) : offset, data);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  sftp.on("READ", (reqId, buffer, offset, length) => {
    const handle = lookup(buffer);
    if (handle?.kind !== "file") return sftp.status(reqId, STATUS_CODE.FAILURE);
    const data = files.read(handle.name) ?? Buffer.alloc(0);
    if (offset >= data.length) return sftp.status(reqId, STATUS_CODE.EOF);
    sftp.data(reqId, data.subarray(offset, offset + length));
  });
  sftp.on("CLOSE", (reqId, buffer) => {
    const handle = lookup(buffer);
    if (handle) handles.delete(buffer.readUInt32BE(0));
    sftp.status(reqId, handle ? STATUS_CODE.OK : STATUS_CODE.FAILURE);
  });
  sftp.on("FSETSTAT", (reqId) => sftp.status(reqId, STATUS_CODE.OK));
  sftp.on("SETSTAT", (reqId) => sftp.status(reqId, STATUS_CODE.OK));
  sftp.on("OPENDIR", (reqId, path) => {
    if (!ROOT_NAMES.has(path)) return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE);
    sftp.handle(reqId, newHandle({ kind: "dir", listed: false }));
  });
  sftp.on("READDIR", (reqId, buffer) => {
    const handle = lookup(buffer);
    if (handle?.kind !== "dir") return sftp.status(reqId, STATUS_CODE.FAILURE);
    const names = files.names();
    if (handle.listed || names.length === 0) return sftp.status(reqId, STATUS_CODE.EOF);
    handle.listed = true;
    sftp.name(
      reqId,
      names.map((name) => {
        const file = files.get(name) as { data: Buffer; mtime: Date };
        return {
          filename: name,
          longname: longname(name, file.data.length, file.mtime),
          attrs: attrsOf(file.data.length, file.mtime, false),
        };
      }),
    );
  });
  sftp.on("REMOVE", (reqId, path) => {
    const name = FileStore.normalise(path);
    sftp.status(reqId, name && files.remove(name) ? STATUS_CODE.OK : STATUS_CODE.NO_SUCH_FILE);
  });
  sftp.on("RENAME", (reqId, from, to) => {
    const source = FileStore.normalise(from);
    const target = FileStore.normalise(to);
    if (!source || !target || !files.has(source)) return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE);
    if (files.has(target)) return sftp.status(reqId, STATUS_CODE.FAILURE, "Target file exists");
    files.rename(source, target);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  // The client's EOF ends the subsystem: close the channel so that `sftp` can exit.
  sftp.on("end", () => sftp.end());
  sftp.on("MKDIR", (reqId) => sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED, "Directories are not supported"));
  sftp.on("RMDIR", (reqId) => sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED, "Directories are not supported"));
}
