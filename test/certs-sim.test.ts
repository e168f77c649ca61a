import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCluster } from "../sim";
import { withMmpSession } from "../src/clients/mmp/session";
import { csrPublicKeyDer } from "../src/core/certs/csr-public-key";
import * as impl from "../src/resources/certs/node-csr.provider";
import { ALL_NAMES, DOMAIN } from "./certs-fixtures";
import { startOneNode } from "./support/one-node";

/** The NodeCsr provider against one simulated CMS node over real SSH/SFTP (no engine). */
describe("NodeCsr on a simulated node", () => {
  let sim: SimCluster;
  let inputs: impl.NodeCsrInputs;

  beforeAll(async () => {
    const one = await startOneNode();
    sim = one.sim;
    inputs = {
      node: "cb1",
      unit: "shared",
      mmp: one.mmp,
      commonName: DOMAIN,
      subjectAltNames: ALL_NAMES,
      subject: { O: "Cisco TAC", OU: "Collab", C: "IN" },
      exportKey: true,
    };
  });
  afterAll(() => sim?.stop());

  it("creates the key and CSR on the node, reads them, and removes only them", async () => {
    const { id, outs } = (await impl.create(inputs)) as { id: string; outs: impl.NodeCsrOutputs };
    const text = execFileSync("openssl", ["req", "-noout", "-text", "-verify"], {
      input: outs.certRequestPem,
    }).toString();
    const subject = (text.match(/Subject: (.*)/)?.[1] ?? "").split(", ").sort();
    expect(subject).toEqual(["C = IN", "CN = tptac9.com", "O = Cisco TAC", "OU = Collab"]);
    expect(text).toContain("DNS:tptac9.com, DNS:cb1.tptac9.com, DNS:cb2.tptac9.com, DNS:cb3.tptac9.com");
    expect(csrPublicKeyDer(outs.certRequestPem, "csr").length).toBeGreaterThan(256);
    expect(outs.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const listed = () => withMmpSession({ ...inputs.mmp, password: "admin" }, (s) => s.run("pki list"));
    expect(await listed()).toContain(outs.keyFile);
    expect(await impl.read(id, outs)).toEqual({ id, props: outs });

    await withMmpSession({ ...inputs.mmp, password: "admin" }, (s) => s.upload("keep.cer", "x"));
    await impl.remove(id, outs);
    const after = await listed();
    expect(after).not.toContain(outs.keyFile);
    expect(after).not.toContain(outs.csrFile);
    expect(after).toContain("keep.cer");
    expect(await impl.read(id, outs)).toEqual({ id: "" });
  });
});
