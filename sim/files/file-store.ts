/** The MMP's flat file namespace (the SFTP root): names only, no directories. Kept in memory per node. */
export interface StoredFile {
  data: Buffer;
  mtime: Date;
}

export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  /** "/abc.key", "abc.key" and "./abc.key" are the same file; anything with a directory is not a valid name. */
  static normalise(path: string): string | null {
    const name = path.replace(/^(\.?\/)+/, "");
    if (name === "" || name === "." || name.includes("/") || name === "..") return null;
    return name;
  }

  names(): string[] {
    return [...this.files.keys()];
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  get(name: string): StoredFile | undefined {
    return this.files.get(name);
  }

  read(name: string): Buffer | null {
    return this.files.get(name)?.data ?? null;
  }

  write(name: string, data: Buffer): void {
    this.files.set(name, { data, mtime: new Date() });
  }

  /** Writes `chunk` at `offset`, growing the file as needed (SFTP writes arrive out of order). */
  writeAt(name: string, offset: number, chunk: Buffer): void {
    const current = this.files.get(name)?.data ?? Buffer.alloc(0);
    const size = Math.max(current.length, offset + chunk.length);
    const next = size === current.length ? current : Buffer.concat([current, Buffer.alloc(size - current.length)]);
    chunk.copy(next, offset);
    this.files.set(name, { data: next, mtime: new Date() });
  }

  truncate(name: string): void {
    this.write(name, Buffer.alloc(0));
  }

  remove(name: string): boolean {
    return this.files.delete(name);
  }

  rename(from: string, to: string): boolean {
    const file = this.files.get(from);
    if (!file) return false;
    this.files.delete(from);
    this.files.set(to, file);
    return true;
  }
}
