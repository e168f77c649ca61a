import * as path from "node:path";

/**
 * Dynamic providers are serialized into state and run in a separate Node process that cannot load TypeScript.
 * So each provider is a thin shell that captures only a path relative to the program directory (a plain string,
 * stable across clones) and loads the implementation at call time, through ts-node. These paths are stored in
 * every resource's `__provider`: they are part of the state contract (see components/README.md).
 */
export function loadImplementation<T>(relativePath: string): T {
  const registry = globalThis as { __cmsXmppTsNode?: boolean };
  if (!registry.__cmsXmppTsNode && !require.extensions[".ts"]) {
    require("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
    registry.__cmsXmppTsNode = true;
  }
  return require(require("node:path").resolve(process.cwd(), relativePath));
}

/** A repository path as the provider process, which runs in the program directory, reaches it. */
export function fromProgramDir(repoPath: string): string {
  return path.relative(process.cwd(), path.join(__dirname, "..", "..", "..", repoPath));
}

type Method = "check" | "diff" | "create" | "update" | "delete" | "read";
type Module = Record<string, (...args: unknown[]) => unknown>;

/**
 * A dynamic provider that forwards each listed method to the implementation module (`delete` to its `remove`),
 * after handing the stack config to `provider-config` so implementations can read passwords by config key.
 */
export function providerShell(statePath: string, methods: Method[]): import("@pulumi/pulumi").dynamic.ResourceProvider {
  const impl = fromProgramDir(statePath);
  const config = fromProgramDir("components/providers/provider-config");
  const provider: Record<string, unknown> = {
    configure: async (req: { config: unknown }) => loadImplementation<Module>(config).setProviderConfig(req.config),
  };
  for (const method of methods) {
    const exported = method === "delete" ? "remove" : method;
    provider[method] = (...args: unknown[]) => loadImplementation<Module>(impl)[exported](...args);
  }
  return provider as unknown as import("@pulumi/pulumi").dynamic.ResourceProvider;
}
