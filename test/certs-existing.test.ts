/**
 * `certificates.source: existing`: the ExistingNodeFiles provider against a simulated CMS node over real SSH/SFTP
 * (no engine), and the pure reading of `pki match`.
 */
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

/** When set, `pki match` is sent as a subcommand the node does not know (a CMS without `pki match`). */
const fault = { unknownPkiMatch: false };

vi.mock("../src/clients/mmp/session", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/clients/mmp/session")>();
  return {
    ...real,
    // The provider leases shared connections, which are opened with openMmpSession.
    openMmpSession: async (target: MmpTarget): Promise<MmpSession> =>
      new Proxy(await real.openMmpSession(target), {
        get(s, prop) {
          if (prop !== "run") return Reflect.get(s, prop);
          return (command: string, options?: RunOptions) =>
            s.run(fault.unknownPkiMatch ? command.replace(/^pki match /, "pki pair-check ") : command, options);
        },
      }),
  };
});

import type { SimCluster } from "../sim";
import { type MmpSession, type MmpTarget, type RunOptions, withMmpSession } from "../src/clients/mmp/session";
import { parsePkiMatch } from "../src/core/certs/existing-files";
import * as impl from "../src/resources/certs/existing-node-files.provider";
import { type Issued, TestPki } from "./certs-fixtures";
import { startOneNode } from "./support/one-node";

let sim: SimCluster;
let pki: TestPki;
let leaf: Issued;
let other: Issued;
let target: MmpTarget;
let inputs: impl.ExistingNodeFilesInputs;

const FIELDS = {
  keyFile: "certificates.keyFile",
  certFile: "certificates.certFile",
  bundleFile: "certificates.bundleFile",
  trustBundle: "certificates.trustBundle",
};

beforeAll(async () => {
  pki = new TestPki();
  leaf = pki.issue();
  other = pki.issue();
  const one = await startOneNode();
  sim = one.sim;
  const mmp = one.mmp;
  target = { ...mmp, password: "admin", timeoutMs: 10_000 };
  inputs = {
    mmp,
    keyFile: "abhiall.key",
    certFile: "abhiall.cer",
    bundleFile: "certall.cer",
    trustBundle: "abhiall.cer",
    fields: FIELDS,
  };
});
afterAll(async () => {
  await sim?.stop();
  pki?.dispose();
});

/** The admin's files, as the TechNote has them uploaded over SFTP. */
async function upload(files: Record<string, string>): Promise<void> {
  await withMmpSession(target, async (s) => {
    for (const name of await s.list()) await s.remove(name);
    for (const [name, content] of Object.entries(files)) await s.upload(name, content);
  });
}

const technote = () => ({
  "abhiall.key": leaf.key,
  "abhiall.cer": leaf.cert,
  "certall.cer": pki.intermediate.cert + pki.root.cert,
});

/** Each file's last write, to show the provider never writes. */
const writes = () =>
  Object.fromEntries(
    sim
      .node("cb1")
      .store.files.names()
      .map((n) => [n, sim.node("cb1").store.files.get(n)?.mtime]),
  );

const failure = (p: Promise<unknown>) =>
  p.then(
    () => "",
    (err: Error) => err.message,
  );

beforeEach(() => {
  fault.unknownPkiMatch = false;
});

describe("ExistingNodeFiles on a simulated node", () => {
  it("passes the TechNote's files: listed by pki list, key and certificate match; reads the expiry; writes nothing", async () => {
    await upload(technote());
    sim.node("cb1").clearTranscript();
    const before = writes();
    const { id, outs } = (await impl.create(inputs)) as { id: string; outs: impl.ExistingNodeFilesOutputs };
    expect(id).toBe("cb1/existing-certificate-files");
    const notAfter = new Date(new X509Certificate(leaf.cert).validTo).toISOString().replace(".000", "");
    expect(outs).toEqual({ ...inputs, keyMatch: "match", notAfter });
    expect(sim.node("cb1").transcript.map((e) => e.command)).toEqual(["pki list", "pki match abhiall.key abhiall.cer"]);
    expect(writes()).toEqual(before);
    expect(JSON.stringify(outs)).not.toContain("PRIVATE KEY");
    // Refresh checks again and keeps the resource.
    expect(await impl.read(id, outs)).toEqual({ id, props: outs });
  });

  it("fails naming the node, each missing file with its config field, and what to do", async () => {
    await upload({ "abhiall.key": leaf.key, "abhiall.cer": leaf.cert });
    expect(await failure(impl.create(inputs))).toBe(
      "[cb1] certificates (source: existing): `pki list` does not list certall.cer (certificates.bundleFile)\n" +
        "  next: upload it to cb1 over SFTP (the MMP login) and check with `pki list`, or correct the file name in the stack config",
    );
    await upload({ "abhiall.cer": leaf.cert });
    expect(
      await failure(
        impl.create({
          ...inputs,
          keyFile: "cb1.key",
          fields: { ...FIELDS, keyFile: "certificates.nodes.cb1.keyFile" },
        }),
      ),
    ).toBe(
      "[cb1] certificates (source: existing): `pki list` does not list cb1.key (certificates.nodes.cb1.keyFile), certall.cer (certificates.bundleFile)\n" +
        "  next: upload them to cb1 over SFTP (the MMP login) and check with `pki list`, or correct the file names in the stack config",
    );
  });

  it("fails when pki match reports that the key is not the certificate's", async () => {
    await upload({ ...technote(), "abhiall.key": other.key });
    expect(await failure(impl.create(inputs))).toBe(
      "[cb1] certificates (source: existing): `pki match abhiall.key abhiall.cer`: FAILURE: Key and certificate pair do not match\n" +
        "  next: abhiall.key (certificates.keyFile) is not the key of abhiall.cer (certificates.certFile): upload the matching key or certificate over SFTP, or correct the file names in the stack config",
    );
  });

  it("fails when the key file holds no key; refresh fails the same way once a file is gone", async () => {
    await upload({ ...technote(), "abhiall.key": leaf.cert });
    expect(await failure(impl.create(inputs))).toBe(
      "[cb1] certificates (source: existing): `pki match abhiall.key abhiall.cer`: FAILURE: abhiall.key does not contain a private key\n" +
        "  next: check that abhiall.key (certificates.keyFile) holds the unencrypted private key and abhiall.cer (certificates.certFile) the certificate; fix the files on the node or the names in the stack config",
    );
    await upload(technote());
    const { id, outs } = (await impl.create(inputs)) as { id: string; outs: impl.ExistingNodeFilesOutputs };
    await withMmpSession(target, (s) => s.remove("certall.cer"));
    expect(await failure(impl.read(id, outs))).toMatch(
      /^\[cb1\] certificates \(source: existing\): `pki list` does not list certall.cer/,
    );
  });

  it("a node without pki match: not checked, not a failure", async () => {
    await upload({ ...technote(), "abhiall.key": other.key });
    fault.unknownPkiMatch = true;
    const { outs } = (await impl.create(inputs)) as { outs: impl.ExistingNodeFilesOutputs };
    expect(outs.keyMatch).toBe("unchecked");
  });

  it("a certificate file it cannot read leaves the expiry empty", async () => {
    await upload({ ...technote(), "abhiall.cer": `${leaf.cert.slice(0, 200)}\n` });
    fault.unknownPkiMatch = true;
    const { outs } = (await impl.create({ ...inputs, bundleFile: undefined })) as {
      outs: impl.ExistingNodeFilesOutputs;
    };
    expect(outs.notAfter).toBe("");
  });
});

describe("ExistingNodeFiles check and diff", () => {
  it("refuses a name that is not a bare MMP file name, naming the field", async () => {
    expect(await impl.check({}, { ...inputs, certFile: "dir/abhiall.cer" })).toEqual({
      failures: [
        {
          property: "certificates.certFile",
          reason:
            'certificates.certFile: "dir/abhiall.cer" is a path; give the bare file name in the node\'s top directory (no "/"), as `pki list` shows it',
        },
      ],
    });
    expect(await impl.check({}, inputs)).toEqual({ inputs });
  });

  it("checks again when a name or the connection changes; never replaces", async () => {
    const outs = { ...inputs, keyMatch: "match" as const, notAfter: "" };
    expect(await impl.diff("id", outs, inputs)).toEqual({ changes: false });
    expect(await impl.diff("id", outs, { ...inputs, trustBundle: "trust2.cer" })).toEqual({ changes: true });
    expect(await impl.diff("id", outs, { ...inputs, mmp: { ...inputs.mmp, port: 2222 } })).toEqual({ changes: true });
  });
});

describe("parsePkiMatch", () => {
  it("reads a clear success or failure, and treats an unknown command or unclear text as not checked", () => {
    expect(parsePkiMatch("SUCCESS: Key and certificate pair match")).toEqual({ status: "match" });
    expect(parsePkiMatch("FAILURE: Key and certificate pair do not match")).toEqual({
      status: "mismatch",
      line: "FAILURE: Key and certificate pair do not match",
    });
    expect(parsePkiMatch("Key mismatch")).toEqual({ status: "mismatch", line: "Key mismatch" });
    expect(parsePkiMatch("FAILURE: a.key does not contain a private key")).toEqual({
      status: "failed",
      line: "FAILURE: a.key does not contain a private key",
    });
    const usage = "Usage:\npki list\npki match <key file> <cert file>";
    expect(parsePkiMatch(usage)).toEqual({ status: "unchecked", line: "Usage:" });
    expect(parsePkiMatch("Unknown command: match")).toEqual({ status: "unchecked", line: "Unknown command: match" });
    expect(parsePkiMatch("FAILURE: unknown command")).toEqual({
      status: "unchecked",
      line: "FAILURE: unknown command",
    });
    expect(parsePkiMatch("")).toEqual({ status: "unchecked" });
    expect(parsePkiMatch("Error: something")).toEqual({ status: "unchecked", line: "Error: something" });
  });
});
