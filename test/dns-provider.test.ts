import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rfc2136RecordSetInputs } from "../src/resources/dns/rfc2136-record-set.provider";
import * as provider from "../src/resources/dns/rfc2136-record-set.provider";
import { type BindServer, bindSkipReason, digShort, nsupdate, startBind } from "./support/bind";

const skip = bindSkipReason();

describe.skipIf(skip)("RFC 2136 dynamic provider, called directly, against BIND", () => {
  let bind: BindServer;
  let base: Rfc2136RecordSetInputs;
  const name = "_xmpp-component._tcp.example.com";
  beforeAll(() => {
    bind = startBind();
    base = {
      server: { host: bind.host, port: bind.port },
      zone: "example.com",
      keyName: bind.key.name,
      algorithm: "hmac-sha256",
      tsigSecret: bind.key.secret,
      timeoutSeconds: 3,
      adoptExisting: false,
      name,
      type: "SRV",
      ttl: 86400,
      values: ["10 10 5223 cb1.example.com.", "10 10 5223 cb2.example.com."],
    };
  });
  afterAll(() => bind?.stop());

  it("check canonicalises names and values, and names bad fields without the secret", async () => {
    const ok = await provider.check(base, {
      ...base,
      name: "_XMPP-Component._tcp.Example.com.",
      values: ["10 10 5223 CB2.example.com", "10 10 5223 cb1.example.com."],
    });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs).toMatchObject({ name, values: base.values });
    const bad = await provider.check(base, {
      ...base,
      name: "cb1.example.org",
      values: ["10 10"],
      ttl: 0,
      tsigSecret: "",
    });
    expect(bad.failures?.map((f) => f.property)).toEqual(["name", "ttl", "tsigSecret", "values"]);
    const reasons = bad.failures?.map((f) => f.reason).join("\n") ?? "";
    expect(reasons).toMatch(/"cb1.example.org" is not inside zone "example.com"/);
    expect(reasons).toMatch(/"10 10" is not an SRV value/);
    const withSecret = await provider.check(base, { ...base, values: ["nonsense"] });
    expect(JSON.stringify(withSecret.failures)).not.toContain(bind.key.secret);
  });

  it("diff replaces on a new name, type or zone and updates otherwise", async () => {
    expect(await provider.diff("id", base, base)).toMatchObject({ changes: false, replaces: [] });
    expect(await provider.diff("id", base, { ...base, ttl: 60 })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff("id", base, { ...base, tsigSecret: "bmV3LXNlY3JldC1uZXctc2VjcmV0" })).toMatchObject({
      changes: true,
    });
    expect(await provider.diff("id", base, { ...base, name: "_xmpp-client._tcp.example.com" })).toMatchObject({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff("id", base, { ...base, zone: "com" })).toMatchObject({
      replaces: ["zone"],
      deleteBeforeReplace: true,
    });
  });

  it("create writes the set; read returns it; create again refuses to take over", async () => {
    const created = await provider.create(base);
    expect(created.id).toBe(`${name}/SRV`);
    expect(digShort(bind, name, "SRV")).toEqual(base.values);
    expect(await provider.read(created.id, base)).toEqual({ id: created.id, props: base });
    await expect(provider.create(base)).rejects.toThrow(
      /already exists on 127.0.0.1:\d+ and this stack did not create it\. .*dns.adoptExisting: true/,
    );
  });

  it("read sees a hand edit; update restores the wanted set over what was read", async () => {
    nsupdate(bind, ["zone example.com", `update delete ${name}. SRV 10 10 5223 cb2.example.com.`]);
    const refreshed = await provider.read(`${name}/SRV`, base);
    expect(refreshed.props?.values).toEqual(["10 10 5223 cb1.example.com."]);
    const olds = refreshed.props as Rfc2136RecordSetInputs;
    expect((await provider.diff("id", olds, base)).changes).toBe(true);
    await provider.update("id", olds, base);
    expect(digShort(bind, name, "SRV")).toEqual(base.values);
  });

  it("update without a refresh refuses to overwrite a hand edit it has not seen", async () => {
    nsupdate(bind, ["zone example.com", `update add ${name}. 86400 IN SRV 0 0 5223 rogue.example.com.`]);
    const wanted = { ...base, ttl: 3600 };
    await expect(provider.update("id", base, wanted)).rejects.toThrow(/NXRRSET.*run `pulumi refresh`/);
    expect(digShort(bind, name, "SRV")).toContain("0 0 5223 rogue.example.com.");
    nsupdate(bind, ["zone example.com", `update delete ${name}. SRV 0 0 5223 rogue.example.com.`]);
  });

  it("an update that only changes the key proves the new key with an empty UPDATE, changing no record", async () => {
    const soa = digShort(bind, "example.com", "SOA");
    const other = { ...base, keyName: bind.otherKey.name, tsigSecret: bind.otherKey.secret };
    await expect(provider.update("id", base, other)).rejects.toThrow(/REFUSED.*the TSIG key is wrong or not allowed/);
    const wrong = { ...base, tsigSecret: Buffer.alloc(32, 5).toString("base64") };
    await expect(provider.update("id", base, wrong)).rejects.toThrow(/BADSIG/);
    const rotated = { ...base, timeoutSeconds: 5 };
    expect((await provider.update("id", base, rotated)).outs).toEqual(rotated);
    expect(digShort(bind, name, "SRV")).toEqual(base.values);
    expect(digShort(bind, "example.com", "SOA")).toEqual(soa);
  });

  it("delete removes only the stack's records; read then reports the set gone", async () => {
    nsupdate(bind, ["zone example.com", `update add ${name}. 86400 IN SRV 10 10 5223 legacy.example.com.`]);
    await provider.remove("id", base);
    expect(digShort(bind, name, "SRV")).toEqual(["10 10 5223 legacy.example.com."]);
    nsupdate(bind, ["zone example.com", `update delete ${name}. SRV`]);
    expect(await provider.read("id", base)).toMatchObject({ id: "" });
  });

  it("adoptExisting takes over a set that exists", async () => {
    nsupdate(bind, ["zone example.com", `update add ${name}. 300 IN SRV 0 0 5222 old.example.com.`]);
    await provider.create({ ...base, adoptExisting: true });
    expect(digShort(bind, name, "SRV")).toEqual(base.values);
    await provider.remove("id", base);
  });
});
