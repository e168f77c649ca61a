import { describe, expect, it } from "vitest";
import { readTsig, sign, type TsigKey, verify } from "../src/core/dns/tsig";

// Captured on the wire (TCP, length prefix removed) between BIND 9.18 and `nsupdate -v -y` / `dig -y`,
// both signed with this test-only key: an independent implementation of RFC 8945 produced every MAC below.
const key: TsigKey = {
  name: "cms-test-key",
  algorithm: "hmac-sha256",
  secret: "Y21zLXhtcHAtcmVzaWxpZW5jeSB0ZXN0IHZlY3RvciBrZXk=",
};
const hex = (s: string) => Buffer.from(s, "hex");
const nsupdateRequest = hex(
  "26ef28000001000100030001076578616d706c6503636f6d00000600010f5f786d70702d636f6d706f6e656e74045f746370076578616d706c6503636f6d00002100fe000000000000c01d002100ff000000000000c01d00210001000151800017000a000a146703636231076578616d706c6503636f6d00c067000100010001518000047f0001010c636d732d746573742d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b0226c4012c00207c5e6283ab8c208c4c0a7285206a3781f231ef93d50a81b4472c74ec814e856926ef00000000",
);
const bindUpdateReply = hex(
  "26efa8000001000000000001076578616d706c6503636f6d00000600010c636d732d746573742d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b0226c4012c00200efcf6acb36e75fe07f9cc3e769faae821db89034784da49dfc7e9730c461bc126ef00000000",
);
// dig adds an EDNS OPT record before the TSIG; BIND's reply uses name compression.
const digQuery = hex(
  "1251002000010000000000020f5f786d70702d636f6d706f6e656e74045f746370076578616d706c6503636f6d000021000100002904d000000000000c000a000804a8d7467d322bba0c636d732d746573742d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b0226c8012c0020fe0e865551594e0f6d9882a40821f39db94625d59265746295426870ac619054125100000000",
);
const bindQueryReply = hex(
  "1251840000010001000100040f5f786d70702d636f6d706f6e656e74045f746370076578616d706c6503636f6d0000210001c00c00210001000151800017000a000a146703636231076578616d706c6503636f6d00c0480002000100000e100006036e7331c048c044000100010001518000047f000101c0610001000100000e1000047f00000100002904d000000000001c000a001804a8d7467d322bba010000006b0226c8d7d2bfc440c4c2110c636d732d746573742d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b0226c8012c0020aa9a77916c350b1bcb4ad8823a1cebefc5358ba127076c482747480f05351be6125100000000",
);

// BIND's answer to an update signed with the right key name and a wrong secret: NOTAUTH, TSIG error 16 (BADSIG).
const badsigReply = hex(
  "0e0ba8090001000000000001076578616d706c6503636f6d00000600010c636d732d746573742d6b65790000fa00ff00000000001d0b686d61632d7368613235360000006b0226ff012c00000e0b00100000",
);

function unsigned(message: Buffer): Buffer {
  const found = readTsig(message);
  if (!found) throw new Error("no TSIG");
  const out = Buffer.from(message.subarray(0, found.start));
  out.writeUInt16BE(message.readUInt16BE(10) - 1, 10);
  return out;
}

describe("TSIG HMAC-SHA256 (RFC 8945) against nsupdate, dig and BIND", () => {
  // Read inside each test, not when the file loads: Stryker activates a mutant per test.
  const update = () => readTsig(nsupdateRequest)?.record;
  const query = () => readTsig(digQuery)?.record;

  it("reads the TSIG record fields", () => {
    expect(update()).toMatchObject({
      keyName: "cms-test-key",
      algorithm: "hmac-sha256",
      timeSigned: 0x6b0226c4,
      fudge: 300,
      originalId: 0x26ef,
      error: 0,
    });
    expect(update()?.mac.toString("hex")).toBe("7c5e6283ab8c208c4c0a7285206a3781f231ef93d50a81b4472c74ec814e8569");
  });

  it("signs byte-for-byte as nsupdate does", () => {
    const t = update()?.timeSigned ?? 0;
    expect(sign(unsigned(nsupdateRequest), key, t).message.toString("hex")).toBe(nsupdateRequest.toString("hex"));
  });

  it("signs byte-for-byte as dig does, after an EDNS OPT record", () => {
    const t = query()?.timeSigned ?? 0;
    expect(sign(unsigned(digQuery), key, t).message.toString("hex")).toBe(digQuery.toString("hex"));
  });

  it("verifies the requests, and BIND's signed replies chained on the request MAC", () => {
    const t = update()?.timeSigned ?? 0;
    expect(verify(nsupdateRequest, key, t).ok).toBe(true);
    expect(verify(bindUpdateReply, key, t, update()?.mac).ok).toBe(true);
    const q = query()?.timeSigned ?? 0;
    expect(verify(digQuery, key, q).ok).toBe(true);
    expect(verify(bindQueryReply, key, q, query()?.mac).ok).toBe(true);
  });

  it("rejects a reply checked against the wrong request MAC, or with another secret", () => {
    const t = update()?.timeSigned ?? 0;
    expect(verify(bindUpdateReply, key, t, query()?.mac)).toMatchObject({ ok: false, problem: "bad-mac" });
    const other = { ...key, secret: Buffer.alloc(32, 7).toString("base64") };
    expect(verify(bindUpdateReply, other, t, update()?.mac)).toMatchObject({ ok: false, problem: "bad-mac" });
  });

  it("rejects a reply with one flipped byte", () => {
    const t = update()?.timeSigned ?? 0;
    const tampered = Buffer.from(bindUpdateReply);
    tampered[3] ^= 1;
    expect(verify(tampered, key, t, update()?.mac)).toMatchObject({ ok: false, problem: "bad-mac" });
  });

  it("rejects a signature older than the fudge, and accepts one within it", () => {
    const t = update()?.timeSigned ?? 0;
    expect(verify(nsupdateRequest, key, t + 300).ok).toBe(true);
    expect(verify(nsupdateRequest, key, t + 301)).toMatchObject({ ok: false, problem: "bad-time" });
  });

  it("reports a message without TSIG as unsigned, and another key's name as wrong-key", () => {
    expect(verify(unsigned(nsupdateRequest), key, 0)).toMatchObject({ ok: false, problem: "unsigned" });
    const t = update()?.timeSigned ?? 0;
    expect(verify(nsupdateRequest, { ...key, name: "other-key" }, t)).toMatchObject({
      ok: false,
      problem: "wrong-key",
    });
  });

  it("reports BIND's unsigned BADSIG reply to a wrong secret as a TSIG error, without comparing MACs", () => {
    const t = readTsig(badsigReply)?.record.timeSigned ?? 0;
    expect(badsigReply.readUInt16BE(2) & 0xf).toBe(9); // NOTAUTH
    expect(verify(badsigReply, key, t, Buffer.alloc(32))).toMatchObject({
      ok: false,
      problem: "tsig-error",
      record: { error: 16, mac: Buffer.alloc(0) },
    });
  });

  it("names the key in canonical (lower-case) form when signing", () => {
    const upper = sign(unsigned(nsupdateRequest), { ...key, name: "CMS-Test-Key" }, update()?.timeSigned ?? 0);
    expect(verify(upper.message, key, update()?.timeSigned ?? 0).ok).toBe(true);
  });
});
