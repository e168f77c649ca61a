import { describe, expect, it } from "vitest";
import { findSecrets } from "./support/secrets";

describe("the shared secret search", () => {
  const tsig = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
  const hex = Buffer.from(tsig, "base64").toString("hex");

  it("finds each secret where it is, a TSIG key as base64 and as hex, and a PEM private key by its marker", () => {
    const places: [string, string][] = [
      ["engine output", "ok Mmp-Test-Pw-7f3k9q ok"],
      ["backend/history.json", `{"secret":"${hex}"}`],
      ["dns-out/zone", `key ${tsig}`],
      ["logs/x.log", "-----BEGIN PRIVATE KEY-----\nMII..."],
      ["clean", "nothing here"],
    ];
    expect(findSecrets(places, ["Mmp-Test-Pw-7f3k9q", "Api-Test-Pw-2m8v4r"], [tsig])).toEqual([
      "engine output: Mmp-…",
      `backend/history.json: ${hex.slice(0, 4)}…`,
      `dns-out/zone: ${tsig.slice(0, 4)}…`,
      "logs/x.log: a PEM private key",
    ]);
  });

  it("refuses a secret too short to search for", () => {
    expect(() => findSecrets([], ["admin"])).toThrow('secret "admi…" is too short to search for');
  });
});
