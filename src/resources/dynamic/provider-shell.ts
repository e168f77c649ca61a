import * as pulumi from "@pulumi/pulumi";

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

/** A dynamic provider as state stores it in `__provider`: a module whose `handler()` returns the provider. */
export interface ProviderShell {
  readonly text: string;
}

/** One function of the module, in the layout of Pulumi's closure serializer: `captured` are its free variables. */
function serializedFunction(name: string, params: string, captured: string, body: string): string {
  return [
    `function ${name}(${params}) {`,
    "  return (function() {",
    `    with({ ${captured}this: undefined, arguments: undefined }) {`,
    "",
    `return ${body};`,
    "",
    "    }",
    "  }).apply(undefined, undefined).apply(this, arguments);",
    "}",
    "",
  ].join("\n");
}

/**
 * The one dynamic-provider pattern. A dynamic provider is stored as module text in every resource's `__provider`
 * and later run by a separate Node process that loads no TypeScript. The text holds only the method names and the
 * string `cms-xmpp-resiliency/providers/<id>`: at call time each method requires the compiled module and forwards
 * the call, so `x.resource.ts` hands its implementation (`x.provider.ts`, an object that `satisfies` the provider
 * interface) here only for its method names.
 *
 * The text is written here rather than by `pulumi.dynamic.Resource`, whose closure serializer loads TypeScript and
 * walks every closure on each run (≈ 0.7 s of a no-op `up`). It is byte for byte what that serializer made of the
 * earlier closure shell, so a stack made before sees no change (test/provider-shell.test.ts holds it to that).
 * The `<id>`s are part of the state contract: once released, an id must stay loadable (keep its `exports` entry, or
 * map it to the file's new place), and the old program-relative paths of `components/` too.
 */
export function dynamicProvider<I, O>(id: string, implementation: DynamicProvider<I, O>): ProviderShell {
  const methods = METHODS.filter((m) => implementation[m]);
  const names = ["configure", ...methods].map((m, i) => `${m}: __f${i + 1}`);
  const moduleName = JSON.stringify(`${PACKAGE}/providers/${id}`);
  const functions = [
    // Passwords are read by config key in the provider process; see provider-config.ts.
    serializedFunction(
      "__f1",
      "__0",
      `configModule: ${JSON.stringify(`${PACKAGE}/provider-config`)}, `,
      "async (req) => require(configModule).setProviderConfig(req.config)",
    ),
    ...methods.map((method, i) =>
      serializedFunction(
        `__f${i + 2}`,
        "",
        `moduleName: ${moduleName}, method: ${JSON.stringify(method)}, `,
        "(...args) => require(moduleName).provider[method](...args)",
      ),
    ),
    serializedFunction("__f0", "", "provider: __provider, ", "() => provider"),
  ];
  return { text: [`exports.handler = __f0;\n`, `var __provider = {${names.join(", ")}};\n`, ...functions].join("\n") };
}

/**
 * A resource served by a `ProviderShell`: the type token and inputs that `pulumi.dynamic.Resource` would register,
 * so URNs and state stay as they were.
 */
export class DynamicResource extends pulumi.CustomResource {
  constructor(
    shell: ProviderShell,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ) {
    super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, __provider: shell.text }, opts);
  }
}
