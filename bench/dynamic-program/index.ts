// The second baseline of `npm run bench`: the empty program and one dynamic resource that reads nothing and never
// changes. What it costs over the empty program, any program with a dynamic provider pays: the engine starts Pulumi's
// Node host for dynamic providers, then checks and diffs the resource through it.
import * as pulumi from "@pulumi/pulumi";

// The provider as the host loads it: it `require`s this text and calls `handler()`, as for a serialized provider.
const PROVIDER = `exports.handler = () => ({
  create: async (inputs) => ({ id: "idle", outs: inputs }),
  diff: async () => ({ changes: false }),
});`;

class Idle extends pulumi.CustomResource {
  constructor(name: string) {
    super("pulumi-nodejs:dynamic/bench:Idle", name, { __provider: PROVIDER });
  }
}

new Idle("idle");
export const project = pulumi.getProject();
