import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCluster } from "../sim";
import * as nodeFile from "../src/resources/certs/node-file.provider";
import { startOneNode } from "./support/one-node";

/** The NodeFile provider against one simulated CMS node over real SSH/SFTP (no engine). */
describe("NodeFile on a simulated node", () => {
  let sim: SimCluster;
  let mmp: nodeFile.NodeFileInputs["mmp"];

  beforeAll(async () => {
    ({ sim, mmp } = await startOneNode());
  });
  afterAll(() => sim?.stop());

  it("a node's uploads of one operation are confirmed by one `pki list` after the last of them", async () => {
    const node = sim.node("cb1");
    node.clearTranscript();
    const connections = node.sshConnections;
    const names = ["batch.key", "batch.cer", "batch-ca.cer", "batch-trust.cer"];
    const created = await Promise.all(
      names.map((name) => nodeFile.create({ mmp, name, content: `-----${name}-----\n` })),
    );
    expect(created.map((c) => c.id)).toEqual(names.map((name) => `cb1/${name}`));
    expect(created.map((c) => c.outs?.sha256)).toEqual(names.map((name) => nodeFile.sha256(`-----${name}-----\n`)));
    expect(node.transcript.map((e) => e.command)).toEqual(["pki list"]);
    expect(node.sshConnections - connections).toBe(1);
    // A later upload is confirmed by a listing of its own.
    await nodeFile.create({ mmp, name: "later.cer", content: "later" });
    expect(node.transcript.map((e) => e.command)).toEqual(["pki list", "pki list"]);
  });

  it("fails, naming the node and the file, when `pki list` does not show the upload", async () => {
    await expect(nodeFile.create({ mmp, name: "notes.txt", content: "not a certificate" })).rejects.toThrow(
      "[cb1] confirm notes.txt: uploaded over SFTP but `pki list` does not show it\n" +
        "  next: check free space on the node and that the file name is accepted",
    );
  });
});
