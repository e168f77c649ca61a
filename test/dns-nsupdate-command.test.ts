// dns.nsupdate.run: a command.local.Command that runs `nsupdate -g` on the zone-file backend's script. Its provider
// plugin cannot be installed offline, so the graph is checked under setMocks.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { formatIssues } from "../src/core/config";
import { xmppRecordSets } from "../src/core/dns/records";
import { type DnsConfigInput, dnsConfigSchema } from "../src/core/dns/schema";
import { nsupdateRemovalScript, nsupdateScript } from "../src/core/dns/zonefile";
import { type CommandLocalModule, nsupdateCommandArgs } from "../src/resources/dns/nsupdate-command";
import { XmppDnsRecords } from "../src/resources/dns/xmpp-dns-records";
import * as zoneFileOutput from "../src/resources/dns/zonefile-output.resource";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The names of the resources it depends on. */
  dependsOn: string[];
}
const registered: Registered[] = [];

interface MockRequest {
  getName(): string;
  getDependenciesList(): string[];
}

beforeAll(() => {
  const dependencies = new Map<string, string[]>();
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const dependsOn = dependencies.get(args.name) ?? [];
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependsOn });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "proj",
    "stack",
    false,
  );
  // The mocks do not pass a resource's dependencies on; record them from the request to the mock monitor.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: MockRequest, cb: unknown): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    dependencies.set(
      req.getName(),
      req.getDependenciesList().map((urn) => urn.split("::").at(-1) ?? urn),
    );
    return register(req, cb);
  };
});

const nodes = [1, 2].map((i) => ({ name: `cb${i}`, fqdn: `cb${i}.tptac9.com`, address: `127.0.1.${i}` }));
const zonefile = { backend: "zonefile" as const, zone: "tptac9.com", directory: "dns out", clientNodes: ["cb1"] };

async function build(name: string, dns: DnsConfigInput): Promise<Registered[]> {
  const records = new XmppDnsRecords(name, { domain: "tptac9.com", nodes, dns: dnsConfigSchema.parse(dns) });
  await Promise.all(records.resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  return registered.filter((r) => r.name.startsWith(`${name}-`)).sort((a, b) => (a.name < b.name ? -1 : 1));
}

const applyScript = `; Replaces the XMPP cluster's SRV and A records, one record set per update.
; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>
; BIND with a TSIG key: nsupdate -k <keyfile> <this file>
server dc1.tptac9.com 53
zone tptac9.com.
update delete _xmpp-client._tcp.tptac9.com. SRV
update add _xmpp-client._tcp.tptac9.com. 86400 IN SRV 10 10 5222 cb1.tptac9.com.
send
update delete _xmpp-component._tcp.tptac9.com. SRV
update add _xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb1.tptac9.com.
update add _xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb2.tptac9.com.
send
update delete cb1.tptac9.com. A
update add cb1.tptac9.com. 86400 IN A 127.0.1.1
send
update delete cb2.tptac9.com. A
update add cb2.tptac9.com. 86400 IN A 127.0.1.2
send
`;

describe("dns.nsupdate.run (setMocks)", () => {
  it("declares a subset of @pulumi/command's own types", () => {
    expectTypeOf<typeof import("@pulumi/command")>().toExtend<CommandLocalModule>();
  });

  it("runs nsupdate -g on the written script, after the zone file, re-run on the script's hash", async () => {
    const seen = await build("ns", { ...zonefile, nsupdate: { run: true, server: "dc1.tptac9.com" } });
    expect(seen.map((r) => [r.type, r.name, r.dependsOn])).toEqual([
      ["pulumi-nodejs:dynamic/cms:DnsBlastRadiusGuard", "ns-guard", []],
      ["command:local:Command", "ns-nsupdate", ["ns-zonefile"]],
      ["pulumi-nodejs:dynamic/cms:DnsZoneFileOutput", "ns-zonefile", ["ns-guard"]],
    ]);
    const zoneFile = seen[2].inputs as { server: unknown; recordSets: Parameters<typeof nsupdateScript>[0] };
    expect(zoneFile.server).toEqual({ host: "dc1.tptac9.com", port: 53 });
    // The script the ZoneFileOutput provider writes is this one, rendered from the same inputs.
    expect(
      nsupdateScript(zoneFile.recordSets, { zone: "tptac9.com", server: { host: "dc1.tptac9.com", port: 53 } }),
    ).toBe(applyScript);
    expect(seen[1].inputs).toEqual({
      create: "nsupdate -g 'dns out/tptac9.com.xmpp.nsupdate'",
      update: "nsupdate -g 'dns out/tptac9.com.xmpp.nsupdate'",
      delete: `nsupdate -g <<'END_OF_XMPP_DNS_REMOVAL'
; Removes the XMPP cluster's SRV and A records that the stack wrote; other records at these names stay.
; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>
server dc1.tptac9.com 53
zone tptac9.com.
update delete _xmpp-client._tcp.tptac9.com. SRV 10 10 5222 cb1.tptac9.com.
update delete _xmpp-component._tcp.tptac9.com. SRV 10 10 5223 cb1.tptac9.com.
update delete _xmpp-component._tcp.tptac9.com. SRV 10 10 5223 cb2.tptac9.com.
update delete cb1.tptac9.com. A 127.0.1.1
update delete cb2.tptac9.com. A 127.0.1.2
send
END_OF_XMPP_DNS_REMOVAL`,
      triggers: [createHash("sha256").update(applyScript).digest("hex")],
    });
  });

  it("hands nsupdate -g the script's path, quoted, and the removal script on stdin, through /bin/sh -c", () => {
    const dns = dnsConfigSchema.parse({ ...zonefile, directory: "it's out", nsupdate: { run: true } });
    if (dns.backend !== "zonefile") throw new Error("expected the zonefile backend");
    const inputs = zoneFileOutput.toInputs(dns, xmppRecordSets("tptac9.com", nodes, dns));
    const args = nsupdateCommandArgs(inputs);
    const dir = mkdtempSync(join(tmpdir(), "nsupdate-stub-"));
    try {
      // A stand-in nsupdate that records its arguments and standard input.
      writeFileSync(join(dir, "nsupdate"), '#!/bin/sh\nprintf "%s\\n" "$@" > "$OUT.args"\ncat > "$OUT.stdin"\n');
      chmodSync(join(dir, "nsupdate"), 0o755);
      const run = (script: string, out: string) => {
        execFileSync("/bin/sh", ["-c", script], {
          input: "",
          env: { PATH: `${dir}:/usr/bin:/bin`, OUT: join(dir, out) },
        });
        return [readFileSync(join(dir, `${out}.args`), "utf8"), readFileSync(join(dir, `${out}.stdin`), "utf8")];
      };
      expect(run(args.create, "create")).toEqual(["-g\nit's out/tptac9.com.xmpp.nsupdate\n", ""]);
      expect(run(args.update, "update")).toEqual(["-g\nit's out/tptac9.com.xmpp.nsupdate\n", ""]);
      expect(run(args.delete, "delete")).toEqual(["-g\n", nsupdateRemovalScript(inputs.recordSets, inputs)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("changes the trigger exactly when the script changes", async () => {
    const hash = async (name: string, dns: DnsConfigInput) =>
      (await build(name, dns)).find((r) => r.type === "command:local:Command")?.inputs.triggers;
    const base = await hash("h1", { ...zonefile, nsupdate: { run: true } });
    expect(await hash("h2", { ...zonefile, directory: "elsewhere", nsupdate: { run: true } })).toEqual(base);
    expect(await hash("h3", { ...zonefile, ttl: 3600, nsupdate: { run: true } })).not.toEqual(base);
  });

  it("registers no Command unless run is true", async () => {
    for (const [name, nsupdate] of [
      ["off", { run: false, server: "dc1.tptac9.com" }],
      ["none", undefined],
    ] as const) {
      const seen = await build(name, { ...zonefile, nsupdate });
      expect(seen.map((r) => r.name)).toEqual([`${name}-guard`, `${name}-zonefile`]);
    }
    expect(dnsConfigSchema.parse({ ...zonefile, nsupdate: {} })).toMatchObject({ nsupdate: { run: false } });
  });
});

describe("dns.nsupdate schema", () => {
  const problems = (dns: unknown) => {
    const result = dnsConfigSchema.safeParse(dns);
    return result.success ? [] : formatIssues(result.error, "dns.", dnsConfigSchema);
  };

  it("rejects an unknown key under nsupdate with the key it most likely meant", () => {
    expect(problems({ ...zonefile, nsupdate: { run: true, sever: "dc1.tptac9.com" } })).toEqual([
      'dns.nsupdate.sever: unknown key (did you mean "server"?)',
    ]);
  });

  it("refuses the server named twice", () => {
    expect(
      problems({ ...zonefile, server: { host: "dc1.tptac9.com" }, nsupdate: { run: true, server: "dc2.tptac9.com" } }),
    ).toEqual(["dns.nsupdate.server: dns.server already names the server the script sends to: keep one of the two"]);
  });
});
