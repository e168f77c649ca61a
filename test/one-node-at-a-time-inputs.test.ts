import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parseClusterConfig } from "../src/core/config";
import { toInputs as verificationInputs } from "../src/resources/cluster/cluster-verification.resource";
import { toInputs as clusterInputs } from "../src/resources/cluster/xmpp-cluster.resource";

const node = (i: number) => ({ name: `cb${i}`, address: `127.0.9.${i}`, fqdn: `cb${i}.tptac9.com` });
const config = (extra: Record<string, unknown> = {}) =>
  parseClusterConfig({
    domain: "tptac9.com",
    nodes: [node(1), node(2), node(3)],
    callBridges: [{ name: "cb1" }],
    ...extra,
  });
const mmp = () => ({ node: "x", host: "127.0.9.1", port: 22, username: "admin", passwordKey: "k" }) as never;
const file = pulumi.output("xmpp.cer");
const files = [1, 2, 3].map((i) => ({
  node: `cb${i}`,
  keyFile: file,
  certFile: file,
  trustFile: file,
  uploads: [],
  notAfter: file,
}));
const inputsOf = (extra: Record<string, unknown> = {}) => ({
  cluster: clusterInputs(config(extra), files, mmp),
  verification: verificationInputs(config(extra), mmp, [], "r", undefined),
});

describe("oneNodeAtATime in the resources' inputs", () => {
  it("reaches the cluster and its verification when on", () => {
    const { cluster, verification } = inputsOf({ oneNodeAtATime: true });
    expect(cluster.oneNodeAtATime).toBe(true);
    expect(verification.oneNodeAtATime).toBe(true);
  });

  it("is left out when off, so that stacks made before it see no change", () => {
    const { cluster, verification } = inputsOf();
    expect("oneNodeAtATime" in cluster).toBe(false);
    expect("oneNodeAtATime" in verification).toBe(false);
  });
});
