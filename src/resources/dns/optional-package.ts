/** Loads an optional peer dependency, or says which package the configured backend needs. */
export function requireOptional<T>(pkg: string, backend: string): T {
  try {
    return require(pkg) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    throw new Error(`dns.backend "${backend}" needs the optional package ${pkg}: npm install ${pkg}`);
  }
}
