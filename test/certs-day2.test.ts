/**
 * Day 2 under Pulumi mocks: a node added to or removed from the cluster, and `source: existing`. The mocks issue a
 * real certificate (openssl) for each distinct request, so a request that changes yields a new key, certificate and
 * file names, exactly as the providers would.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortHash } from "../src/core/certs/file-names";
import { certificatesConfigSchema } from "../src/core/certs/schema";
import { type CertificateMaterial, certificateMaterial } from "../src/resources/certs/certificate-material";
import { DOMAIN, type Issued, TestPki } from "./certs-fixtures";

const NODE_CSR = "pulumi-nodejs:dynamic/cms:NodeCsr";
const EXISTING = "pulumi-nodejs:dynamic/cms:ExistingNodeFiles";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

let pki: TestPki;
const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
/** One certificate (and key and CSR) per distinct request. */
const issuedFor = new Map<string, Issued>();
const leafKeys = new Map<string, string>();
const notAfterOf: Record<string, string> = {};

const plain = (v: unknown) =>
  v && typeof v === "object" && SECRET_SIG in v ? (v as unknown as { value: unknown }).value : v;

function issue(request: string, sans: string[], key?: string): Issued {
  let issued = issuedFor.get(request);
  if (!issued) {
    issued = pki.issue({ issuer: "root", sans, ...(key ? { key } : {}) });
    issuedFor.set(request, issued);
  }
  return issued;
}

function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const unit = name.split("-")[1];
  switch (type) {
    case "tls:index/privateKey:PrivateKey": {
      if (name.endsWith("-ca-key")) return { privateKeyPem: pki.root.key };
      if (!leafKeys.has(unit)) leafKeys.set(unit, pki.newKey());
      return { privateKeyPem: leafKeys.get(unit) };
    }
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { certPem: pki.root.cert };
    case "tls:index/certRequest:CertRequest": {
      const key = plain(inputs.privateKeyPem) as string;
      const sans = inputs.dnsNames as string[];
      return { certRequestPem: issue(JSON.stringify([key, sans]), sans, key).csr };
    }
    case "tls:index/locallySignedCert:LocallySignedCert": {
      const issued = [...issuedFor.values()].find((i) => i.csr === inputs.certRequestPem);
      return { certPem: issued?.cert };
    }
    case NODE_CSR: {
      const request = JSON.stringify([inputs.unit, inputs.commonName, inputs.subjectAltNames, inputs.subject]);
      const issued = issue(request, inputs.subjectAltNames as string[]);
      const base = `xmpp-${inputs.unit}-csr-${shortHash(request)}`;
      const keyPem = inputs.exportKey ? { keyPem: issued.key } : {};
      return { keyFile: `${base}.key`, csrFile: `${base}.csr`, certRequestPem: issued.csr, ...keyPem };
    }
    case EXISTING:
      return { keyMatch: "match", notAfter: notAfterOf[(inputs.mmp as { node: string }).node] ?? "" };
    default:
      return {};
  }
}

beforeAll(() => {
  pki = new TestPki();
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...mockState(args.type, args.name, args.inputs) } };
      },
      call: (args) => args.inputs,
    },
    "proj",
    "stack",
    false,
  );
});
afterAll(() => pki.dispose());

const node = (name: string, i: number) => ({
  name,
  fqdn: `${name}.${DOMAIN}`,
  mmp: {
    node: name,
    host: "127.0.0.1",
    port: 2201 + i,
    username: "admin",
    passwordKey: "proj:mmpPassword",
    trustOnFirstUse: true,
    timeoutSeconds: 5,
  },
});
const nodes = (...names: string[]) => names.map((n) => node(n, Number(n.slice(2)) - 1));

const value = <T>(output: pulumi.Output<T>): Promise<T> => (output as unknown as { promise(): Promise<T> }).promise();

let builds = 0;
let current = "";
function build(config: unknown, names: string[]): CertificateMaterial {
  current = `t${++builds}`;
  return certificateMaterial(current, {
    domain: DOMAIN,
    nodes: nodes(...names),
    config: certificatesConfigSchema.parse(config),
  });
}
const mine = (build: string) => registered.filter((r) => r.name.startsWith(`${build}-`));
const inputsOf = (build: string, suffix: string) => {
  const { __provider: _, ...rest } = mine(build).find((r) => r.name === `${build}-${suffix}`)?.inputs ?? {};
  return rest;
};

interface NodeFiles {
  keyFile: string;
  certFile: string;
  bundleFile?: string;
  trustFile: string;
  uploads: Record<string, { name: string; content: string }>;
}

async function filesOf(material: CertificateMaterial): Promise<Record<string, NodeFiles>> {
  const out: Record<string, NodeFiles> = {};
  for (const f of material.files) {
    const uploads: NodeFiles["uploads"] = {};
    for (const u of f.uploads) uploads[u.role] = { name: await value(u.name), content: await value(u.content) };
    out[f.node] = {
      keyFile: await value(f.keyFile),
      certFile: await value(f.certFile),
      ...(f.bundleFile ? { bundleFile: await value(f.bundleFile) } : {}),
      trustFile: await value(f.trustFile),
      uploads,
    };
  }
  return out;
}

/** Everything of a node except its trust bundle. */
const withoutTrust = (f: NodeFiles) => {
  const { trust: _, ...uploads } = f.uploads;
  return { keyFile: f.keyFile, certFile: f.certFile, bundleFile: f.bundleFile, uploads };
};

describe("adding and removing a node with per-node certificates", () => {
  for (const source of ["onNodeCsr", "offNode"] as const) {
    it(`${source}: cb1-cb3 keep key, CSR, certificate and their names; only their trust file changes`, async () => {
      const three = build({ source }, ["cb1", "cb2", "cb3"]);
      const before = await filesOf(three);
      const b3 = current;
      const four = build({ source }, ["cb1", "cb2", "cb3", "cb4"]);
      const after = await filesOf(four);
      const b4 = current;

      const request = (b: string, n: string) => inputsOf(b, `${n}-csr`);
      for (const n of ["cb1", "cb2", "cb3"]) {
        // Same request inputs: the engine sees no change to the CSR, hence none to the key or certificate.
        expect(request(b4, n)).toEqual(request(b3, n));
        expect(withoutTrust(after[n])).toEqual(withoutTrust(before[n]));
        expect(after[n].trustFile).not.toBe(before[n].trustFile);
        expect(after[n].uploads.trust.name).toBe(after[n].trustFile);
      }
      const san = source === "onNodeCsr" ? "subjectAltNames" : "dnsNames";
      expect(["cb1", "cb2", "cb3", "cb4"].map((n) => request(b4, n)[san])).toEqual(
        ["cb1", "cb2", "cb3", "cb4"].map((n) => [DOMAIN, `${n}.${DOMAIN}`]),
      );
      // TechNote step 4: the trust bundle is every node's certificate, in node order, on every node.
      const certs = ["cb1", "cb2", "cb3", "cb4"].map((n) => after[n].uploads.cert.content);
      for (const n of ["cb1", "cb2", "cb3", "cb4"]) expect(after[n].uploads.trust.content).toBe(certs.join(""));
      expect(new Set(Object.values(after).map((f) => f.trustFile)).size).toBe(1);

      // Removing cb3 again: cb1, cb2 and cb4 keep everything but the trust file.
      const removed = await filesOf(build({ source }, ["cb1", "cb2", "cb4"]));
      for (const n of ["cb1", "cb2", "cb4"]) {
        expect(request(current, n)).toEqual(request(b4, n));
        expect(withoutTrust(removed[n])).toEqual(withoutTrust(after[n]));
        expect(removed[n].trustFile).not.toBe(after[n].trustFile);
      }
      expect(removed.cb1.uploads.trust.content).toBe([certs[0], certs[1], certs[3]].join(""));
    });
  }

  it("shared: the one certificate names every node, so a new node means a new certificate on every node", async () => {
    const before = await filesOf(build({ shared: true }, ["cb1", "cb2", "cb3"]));
    const b3 = current;
    const after = await filesOf(build({ shared: true }, ["cb1", "cb2", "cb3", "cb4"]));
    expect(inputsOf(b3, "shared-csr").subjectAltNames).toEqual([
      DOMAIN,
      "cb1.tptac9.com",
      "cb2.tptac9.com",
      "cb3.tptac9.com",
    ]);
    expect(inputsOf(current, "shared-csr").subjectAltNames).toEqual([
      DOMAIN,
      "cb1.tptac9.com",
      "cb2.tptac9.com",
      "cb3.tptac9.com",
      "cb4.tptac9.com",
    ]);
    for (const n of ["cb1", "cb2", "cb3"]) {
      expect(after[n].keyFile).not.toBe(before[n].keyFile);
      expect(after[n].certFile).not.toBe(before[n].certFile);
      expect(after[n].trustFile).toBe(after[n].certFile);
    }
  });
});

describe("source: existing", () => {
  const config = {
    source: "existing",
    keyFile: "abhiall.key",
    certFile: "abhiall.cer",
    bundleFile: "certall.cer",
    trustBundle: "abhiall.cer",
    nodes: { cb2: { keyFile: "cb2.key", certFile: "cb2.cer" } },
  };

  it("uploads nothing, checks each node's files, and passes the names on as configured", async () => {
    notAfterOf.cb1 = "2030-01-01T00:00:00Z";
    notAfterOf.cb3 = "2031-06-30T12:00:00Z";
    const material = build(config, ["cb1", "cb2", "cb3"]);
    const files = await filesOf(material);
    // Expiry only where the certificate could be read (cb2's could not); it waits for the checks.
    const expiry = await value(material.expiry);
    expect(expiry.map((e) => [e.node, e.notAfter])).toEqual([
      ["cb1", "2030-01-01T00:00:00Z"],
      ["cb3", "2031-06-30T12:00:00Z"],
    ]);
    expect(await value(material.files[1].notAfter)).toBe("");
    expect(files).toEqual({
      cb1: {
        keyFile: "abhiall.key",
        certFile: "abhiall.cer",
        bundleFile: "certall.cer",
        trustFile: "abhiall.cer",
        uploads: {},
      },
      cb2: {
        keyFile: "cb2.key",
        certFile: "cb2.cer",
        bundleFile: "certall.cer",
        trustFile: "abhiall.cer",
        uploads: {},
      },
      cb3: {
        keyFile: "abhiall.key",
        certFile: "abhiall.cer",
        bundleFile: "certall.cer",
        trustFile: "abhiall.cer",
        uploads: {},
      },
    });
    expect(
      mine(current)
        .map((r) => `${r.type} ${r.name.replace(current, "xmpp")}`)
        .sort(),
    ).toEqual([`${EXISTING} xmpp-cb1-existing`, `${EXISTING} xmpp-cb2-existing`, `${EXISTING} xmpp-cb3-existing`]);
    expect(material.checks).toHaveLength(3);
    expect(inputsOf(current, "cb2-existing")).toEqual({
      mmp: nodes("cb2")[0].mmp,
      keyFile: "cb2.key",
      certFile: "cb2.cer",
      bundleFile: "certall.cer",
      trustBundle: "abhiall.cer",
      fields: {
        keyFile: "certificates.nodes.cb2.keyFile",
        certFile: "certificates.nodes.cb2.certFile",
        bundleFile: "certificates.bundleFile",
        trustBundle: "certificates.trustBundle",
      },
      keyMatch: undefined,
      notAfter: undefined,
    });
  });

  it("refuses per-node entries for unknown nodes and nodes left without a file, before anything is registered", () => {
    const before = registered.length;
    expect(() =>
      build(
        {
          source: "existing",
          certFile: "a.cer",
          trustBundle: "t.cer",
          nodes: { cb1: { keyFile: "cb1.key" }, cb9: {} },
        },
        ["cb1", "cb2", "cb3"],
      ),
    ).toThrow(
      [
        "certificate checks failed; nothing was uploaded to any node:",
        "  - certificates.nodes.cb9: not one of the nodes (cb1, cb2, cb3)",
        "  - certificates.nodes.cb2.keyFile: missing (no certificates.keyFile applies to every node)",
        "  - certificates.nodes.cb3.keyFile: missing (no certificates.keyFile applies to every node)",
      ].join("\n"),
    );
    expect(registered.slice(before).filter((r) => r.type !== "cms:certs:CertificateMaterial")).toEqual([]);
  });
});
