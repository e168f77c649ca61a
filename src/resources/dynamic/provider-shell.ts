import type * as pulumi from "@pulumi/pulumi";

type Method = "check" | "diff" | "create" | "update" | "delete" | "read";
const METHODS: Method[] = ["check", "diff", "create", "update", "delete", "read"];

/**
 * What an `x.provider.ts` exports as `provider`. `read` always gets the stored outputs: none of these resources is
 * imported by id alone.
 */
export type DynamicProvider<I, O> = Omit<pulumi.dynamic.ResourceProvider<I, O>, "read"> & {
  read?: (id: string, props: O) => Promise<pulumi.dynamic.ReadResult<O>>;
};

/**
 * The package's name. Provider modules are reached through its `exports` (`./providers/*` →
 * `dist/resources/*.provider.js`), resolved from the program's node_modules like any other dependency.
 */
const PACKAGE = "cms-xmpp-resiliency";

/**
 * The one dynamic-provider pattern. A dynamic provider is serialized into every resource's `__provider` in state and
 * later run by a separate Node process that loads no TypeScript. So `x.resource.ts` hands its implementation
 * (`x.provider.ts`, an object that `satisfies` the provider interface) to this shell, which keeps only the method
 * names and the string `cms-xmpp-resiliency/providers/<id>`: at call time it requires the compiled module and
 * forwards the call. The `<id>`s are part of the state contract: once released, an id must stay loadable (keep its
 * `exports` entry, or map it to the file's new place), and the old program-relative paths of `components/` too.
 */
export function dynamicProvider<I, O>(
  id: string,
  implementation: DynamicProvider<I, O>,
): pulumi.dynamic.ResourceProvider<I, O> {
  const moduleName = `${PACKAGE}/providers/${id}`;
  const configModule = `${PACKAGE}/provider-config`;
  const shell: Record<string, unknown> = {
    // Passwords are read by config key in the provider process; see provider-config.ts.
    configure: async (req: { config: unknown }) => require(configModule).setProviderConfig(req.config),
  };
  for (const method of METHODS.filter((m) => implementation[m])) {
    shell[method] = (...args: unknown[]) => require(moduleName).provider[method](...args);
  }
  return shell as unknown as pulumi.dynamic.ResourceProvider<I, O>;
}
