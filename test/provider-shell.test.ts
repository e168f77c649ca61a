import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { provider as existingNodeFiles } from "../src/resources/certs/existing-node-files.provider";
import { provider as nodeCsr } from "../src/resources/certs/node-csr.provider";
import { provider as nodeFile } from "../src/resources/certs/node-file.provider";
import { provider as callbridgeSettings } from "../src/resources/cluster/callbridge-settings.provider";
import { provider as clusterVerification } from "../src/resources/cluster/cluster-verification.provider";
import { provider as xmppCluster } from "../src/resources/cluster/xmpp-cluster.provider";
import { provider as blastRadiusGuard } from "../src/resources/dns/blast-radius-guard.provider";
import { provider as rfc2136RecordSet } from "../src/resources/dns/rfc2136-record-set.provider";
import { provider as zonefileOutput } from "../src/resources/dns/zonefile-output.provider";
import { DynamicResource, dynamicProvider } from "../src/resources/dynamic/provider-shell";
import { type Registered, recordRegistrations } from "./support/mocks";

const released = createRequire(__filename)("./fixtures/released-provider-shell.cjs") as {
  dynamicProvider: (id: string, implementation: object) => pulumi.dynamic.ResourceProvider;
};

/** A resource as the released classes made it: `pulumi.dynamic.Resource` serialized the shell. */
class ReleasedResource extends pulumi.dynamic.Resource {
  constructor(shell: pulumi.dynamic.ResourceProvider, name: string, props: pulumi.Inputs, type: string) {
    super(shell, name, props, {}, "cms", type);
  }
}

/** What each resource registers under Pulumi's mocks, in order. */
let registered: Registered[] = [];

beforeAll(async () => {
  const mocks = recordRegistrations("project");
  registered = mocks.registered;
  await mocks.ready;
});

/** Registers a resource and returns what the engine was given for it. */
async function register(name: string, make: (name: string) => pulumi.CustomResource) {
  const resource = make(name);
  await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
  return registered.find((r) => r.name === name);
}

const RESOURCES = path.join(__dirname, "../src/resources");

/** Every provider module by its id: the path under src/resources without `.provider.ts`. */
const PROVIDERS: Record<string, object> = {
  "certs/existing-node-files": existingNodeFiles,
  "certs/node-csr": nodeCsr,
  "certs/node-file": nodeFile,
  "cluster/callbridge-settings": callbridgeSettings,
  "cluster/cluster-verification": clusterVerification,
  "cluster/xmpp-cluster": xmppCluster,
  "dns/blast-radius-guard": blastRadiusGuard,
  "dns/rfc2136-record-set": rfc2136RecordSet,
  "dns/zonefile-output": zonefileOutput,
};

/** Runs a shell's text as the dynamic-provider host does, with `require` answered by `modules`. */
function load(text: string, modules: Record<string, unknown>): Record<string, (...args: unknown[]) => unknown> {
  const exports: { handler?: () => Record<string, (...args: unknown[]) => unknown> } = {};
  const fakeRequire = (name: string) => {
    if (!(name in modules)) throw new Error(`unexpected require of ${name}`);
    return modules[name];
  };
  new Function("exports", "require", text)(exports, fakeRequire);
  return (exports.handler as () => Record<string, (...args: unknown[]) => unknown>)();
}

describe("dynamic-provider shell", () => {
  it("covers every provider module of the package", () => {
    const files = readdirSync(RESOURCES, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".provider.ts"))
      .map((f) =>
        f
          .replace(/\.provider\.ts$/, "")
          .split(path.sep)
          .join("/"),
      );
    expect(files.sort()).toEqual(Object.keys(PROVIDERS));
  });

  for (const [id, implementation] of Object.entries(PROVIDERS)) {
    it(`${id}: __provider is byte for byte what pulumi.dynamic.Resource stored for the released shell`, async () => {
      const before = await register(
        `${id}-released`,
        (name) => new ReleasedResource(released.dynamicProvider(id, implementation as never), name, {}, "T"),
      );
      const now = await register(
        `${id}-now`,
        (name) => new DynamicResource(dynamicProvider(id, implementation as never), name, {}, {}, "cms", "T"),
      );
      expect(typeof before?.inputs.__provider).toBe("string");
      expect(now?.inputs.__provider).toBe(before?.inputs.__provider);
    });
  }

  it("each method forwards its arguments to the compiled module, and configure to provider-config", async () => {
    const calls: unknown[][] = [];
    const record =
      (name: string) =>
      (...args: unknown[]) => {
        calls.push([name, ...args]);
        return `${name} result`;
      };
    const shell = load(
      dynamicProvider("cluster/xmpp-cluster", { check: record("x"), diff: record("x") } as never).text,
      {
        "cms-xmpp-resiliency/providers/cluster/xmpp-cluster": {
          provider: { check: record("check"), diff: record("diff") },
        },
        "cms-xmpp-resiliency/provider-config": { setProviderConfig: record("setProviderConfig") },
      },
    );
    expect(Object.keys(shell)).toEqual(["configure", "check", "diff"]);
    expect(shell.check({ a: 1 }, { b: 2 })).toBe("check result");
    expect(shell.diff("id", { o: 1 }, { n: 2 })).toBe("diff result");
    expect(await shell.configure({ config: { k: "v" } })).toBe("setProviderConfig result");
    expect(calls).toEqual([
      ["check", { a: 1 }, { b: 2 }],
      ["diff", "id", { o: 1 }, { n: 2 }],
      ["setProviderConfig", { k: "v" }],
    ]);
  });

  it("lists only the methods the implementation has, in the provider interface's order", () => {
    const noop = async () => ({});
    const shell = load(dynamicProvider("dns/x", { read: noop, create: noop, check: noop } as never).text, {});
    expect(Object.keys(shell)).toEqual(["configure", "check", "create", "read"]);
  });
});

describe("DynamicResource", () => {
  it("registers the type token and inputs of pulumi.dynamic.Resource, the shell's text as __provider", async () => {
    const shell = dynamicProvider("dns/zonefile-output", zonefileOutput);
    const args = () => ({ zone: "tptac9.com", out: undefined });
    const before = await register(
      "z1",
      (name) =>
        new ReleasedResource(released.dynamicProvider("dns/zonefile-output", zonefileOutput), name, args(), "Z"),
    );
    const now = await register("z2", (name) => new DynamicResource(shell, name, args(), undefined, "cms", "Z"));
    expect(now).toEqual({
      type: "pulumi-nodejs:dynamic/cms:Z",
      name: "z2",
      inputs: { zone: "tptac9.com", __provider: shell.text },
    });
    expect({ ...now, name: "z1" }).toEqual(before);
  });
});
