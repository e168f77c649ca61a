import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/core/stack-config";

function clusterOf(stack: string): unknown {
  const doc = load(readFileSync(join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return doc.config["cms-xmpp-resiliency:cluster"];
}

describe("committed stack files", () => {
  it("dev: three simulated nodes on loopback with pinned host keys", () => {
    const { cluster, certificates, dns } = parseStackConfig(clusterOf("dev"));
    expect(cluster.nodes.map((n) => `${n.name}@${n.address}:${n.sshPort}`)).toEqual([
      "cb1@127.0.1.1:2201",
      "cb2@127.0.1.2:2202",
      "cb3@127.0.1.3:2203",
    ]);
    expect(cluster.nodes.every((n) => n.hostKeyFingerprint?.startsWith("SHA256:"))).toBe(true);
    expect(certificates.source).toBe("onNodeCsr");
    expect(dns.backend).toBe("zonefile");
  });

  it("lab: the TechNote's lab (tptac9.com, cb1-cb3 at 10.106.81.30-32, shared cert from an external CA)", () => {
    const { cluster, certificates } = parseStackConfig(clusterOf("lab"));
    expect(cluster.domain).toBe("tptac9.com");
    expect(cluster.nodes.map((n) => n.address)).toEqual(["10.106.81.30", "10.106.81.31", "10.106.81.32"]);
    expect(cluster.callBridges.map((b) => b.name)).toEqual(["cb1", "cb2", "cb3"]);
    expect(certificates).toMatchObject({ source: "onNodeCsr", shared: true, ca: { type: "external" } });
  });
});
