import * as path from "node:path";

/**
 * Dynamic providers are serialized into state and run in a separate Node process that cannot load TypeScript.
 * So each provider is a thin shell that captures only this relative path (a plain string, stable across
 * clones) and loads the real implementation at call time, through ts-node, from the program directory.
 */
export function implementationPath(fileInThisDir: string): string {
  return path.relative(process.cwd(), path.join(__dirname, fileInThisDir));
}

export function loadImplementation<T>(relativePath: string): T {
  const registry = globalThis as { __cmsXmppTsNode?: boolean };
  if (!registry.__cmsXmppTsNode && !require.extensions[".ts"]) {
    require("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
    registry.__cmsXmppTsNode = true;
  }
  return require(require("node:path").resolve(process.cwd(), relativePath));
}
