/** Loads an optional peer dependency, or says which package the configured setting (`neededBy`) needs. */
export function requireOptional<T>(pkg: string, neededBy: string): T {
  try {
    return require(pkg) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    throw new Error(`${neededBy} needs the optional package ${pkg}: npm install ${pkg}`);
  }
}
