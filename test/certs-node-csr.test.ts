import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ALL_NAMES, DOMAIN, type Issued, TestPki } from "./certs-fixtures";

/** An in-memory node: `pki csr` writes a key and CSR from the fixture PKI, SFTP reads and removes them. */
const node = {
  files: new Map<string, string>(),
  commands: [] as string[],
  csrText: (_base: string) => "",
  keyText: "",
};

// The provider leases shared connections, which are opened with openMmpSession.
vi.mock("../src/clients/mmp/session", () => ({
  openMmpSession: async () => ({
    node: "cb1",
    hostKeyFingerprint: "",
    alive: true,
    commands: [] as string[],
    close: () => undefined,
    run: async (command: string) => {
      node.commands.push(command);
      const base = command.split(" ")[2];
      node.files.set(`${base}.key`, node.keyText);
      node.files.set(`${base}.csr`, node.csrText(base));
      return `Created key file ${base}.key and CSR ${base}.csr`;
    },
    download: async (name: string) => {
      const text = node.files.get(name);
      if (text === undefined) throw new Error(`no such file ${name}`);
      return Buffer.from(text);
    },
    remove: async (name: string) => {
      node.commands.push(`rm ${name}`);
      node.files.delete(name);
    },
    list: async () => [...node.files.keys()],
    upload: async () => undefined,
  }),
}));

import * as impl from "../src/resources/certs/node-csr.provider";
import { setProviderConfig } from "../src/resources/dynamic/provider-config";

let pki: TestPki;
let leaf: Issued;
const mmp = {
  node: "cb1",
  host: "127.0.0.1",
  port: 2201,
  username: "admin",
  passwordKey: "proj:mmpPassword",
  trustOnFirstUse: true,
  timeoutSeconds: 5,
};
const inputs: impl.NodeCsrInputs = {
  node: "cb1",
  unit: "cb1",
  mmp,
  commonName: DOMAIN,
  subjectAltNames: ALL_NAMES,
  subject: { OU: "Lab One" },
  exportKey: false,
};

/** `create`, with the outputs it always returns. */
async function created(args: impl.NodeCsrInputs): Promise<{ id: string; outs: impl.NodeCsrOutputs }> {
  const { id, outs } = await impl.create(args);
  return { id, outs: outs as impl.NodeCsrOutputs };
}

beforeAll(() => {
  pki = new TestPki();
  leaf = pki.issue();
  setProviderConfig({ get: () => "pw" });
});
afterAll(() => pki.dispose());
beforeEach(() => {
  node.files = new Map([["other.key", "theirs"]]);
  node.commands = [];
  node.csrText = () => leaf.csr;
  node.keyText = leaf.key;
});

describe("NodeCsr provider", () => {
  it("runs pki csr under a fresh versioned base and returns the CSR, not the key", async () => {
    const { id, outs } = await created(inputs);
    const base = node.commands[0].split(" ")[2];
    expect(base).toMatch(/^xmpp-cb1-csr-[0-9a-f]{8}$/);
    expect(node.commands).toEqual([
      `pki csr ${base} CN:tptac9.com OU:"Lab One" subjectAltName:tptac9.com,cb1.tptac9.com,cb2.tptac9.com,cb3.tptac9.com`,
    ]);
    expect(id).toBe(`cb1/${base}`);
    expect(outs).toEqual({ ...inputs, keyFile: `${base}.key`, csrFile: `${base}.csr`, certRequestPem: leaf.csr });
    expect(JSON.stringify(outs)).not.toContain("PRIVATE KEY");
    const again = await created(inputs);
    expect(again.outs.keyFile).not.toBe(outs.keyFile);
  });

  it("downloads the key only for a shared certificate, after checking it belongs to the CSR", async () => {
    const { outs } = await created({ ...inputs, unit: "shared", exportKey: true });
    expect(outs.keyFile).toMatch(/^xmpp-shared-csr-[0-9a-f]{8}\.key$/);
    expect(outs.keyPem).toBe(leaf.key);
  });

  it("cleans up and explains when what pki csr wrote is unusable", async () => {
    node.keyText = pki.newKey();
    await expect(impl.create({ ...inputs, exportKey: true })).rejects.toThrow(
      /^\[cb1\] xmpp-cb1-csr-[0-9a-f]{8}\.key: the key file does not belong to the CSR next to it$/,
    );
    expect([...node.files.keys()]).toEqual(["other.key"]);
    node.csrText = () => "garbage";
    await expect(impl.create(inputs)).rejects.toThrow(/no "-----BEGIN CERTIFICATE REQUEST-----" block found/);
    expect([...node.files.keys()]).toEqual(["other.key"]);
  });

  it("refuses values that would break the command line, at check time", async () => {
    expect(await impl.check({}, { ...inputs, subject: { O: "a:b" } })).toEqual({
      failures: [
        {
          property: "subject",
          reason:
            'cannot build the pki csr command: subject O must not contain ", \\ or : (they would break the MMP command line)',
        },
      ],
    });
    expect(await impl.check({}, inputs)).toEqual({ inputs });
  });

  it("replaces on a request change and only updates on a connection change", async () => {
    const { outs } = await created(inputs);
    expect(await impl.diff("id", outs, inputs)).toEqual({ changes: false, replaces: [] });
    expect(await impl.diff("id", outs, { ...inputs, subjectAltNames: [DOMAIN, "cb4.tptac9.com"] })).toEqual({
      changes: true,
      replaces: ["subjectAltNames"],
    });
    expect(await impl.diff("id", outs, { ...inputs, commonName: "example.com" })).toEqual({
      changes: true,
      replaces: ["commonName"],
    });
    expect(await impl.diff("id", outs, { ...inputs, exportKey: true, subject: {} })).toEqual({
      changes: true,
      replaces: ["subject", "exportKey"],
    });
    const moved = { ...inputs, mmp: { ...mmp, port: 2202 } };
    expect(await impl.diff("id", outs, moved)).toEqual({ changes: true, replaces: [] });
    expect((await impl.update("id", outs, moved)).outs).toEqual({ ...outs, mmp: moved.mmp });
  });

  it("keeps a CSR that already carries every wanted name: an upgraded stack's per-node CSRs stay as they are", async () => {
    // Made before per-node CSRs named only the domain and their own node: it carries every node's FQDN.
    const { outs } = await created(inputs);
    expect(outs.subjectAltNames).toEqual(ALL_NAMES);
    const own = { ...inputs, subjectAltNames: [DOMAIN, "cb1.tptac9.com"] };
    expect(await impl.diff("id", outs, own)).toEqual({ changes: false, replaces: [] });
    expect(await impl.diff("id", outs, { ...own, subjectAltNames: ["CB1.tptac9.com", "TPTAC9.COM"] })).toEqual({
      changes: false,
      replaces: [],
    });
    // A shared CSR after a node is removed: still covers the rest, so no new key and no restart.
    expect(await impl.diff("id", outs, { ...inputs, subjectAltNames: ALL_NAMES.slice(0, 3) })).toEqual({
      changes: false,
      replaces: [],
    });
    // The pki csr command itself names only the domain and the node.
    node.commands = [];
    await created(own);
    expect(node.commands[0]).toMatch(/ CN:tptac9\.com OU:"Lab One" subjectAltName:tptac9\.com,cb1\.tptac9\.com$/);
  });

  it("reads as gone once the key left the node, and deletes only its own files", async () => {
    const { id, outs } = await created(inputs);
    expect(await impl.read(id, outs)).toEqual({ id, props: outs });
    await impl.remove(id, outs);
    expect([...node.files.keys()]).toEqual(["other.key"]);
    expect(node.commands.slice(1)).toEqual([`rm ${outs.keyFile}`, `rm ${outs.csrFile}`]);
    expect(await impl.read(id, outs)).toEqual({ id: "" });
    await impl.remove(id, outs);
    expect(node.commands).toHaveLength(3);
  });
});
