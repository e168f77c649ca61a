// The TechNote's prerequisites as the nodes print them: the parsers (every layout the simulator offers, and what a
// node prints that no one guessed) and the findings, with the exact words an admin reads.
import { describe, expect, it } from "vitest";
import { parseCallBridgeStatus } from "../src/core/parsers/callbridge-status";
import { parseDatabaseClusterStatus } from "../src/core/parsers/database-cluster-status";
import { parseUserList } from "../src/core/parsers/user-list";
import {
  CLOCK_SKEW_LIMIT_MS,
  clockFindings,
  findingLine,
  type PreflightFacts,
  preflightFindings,
} from "../src/core/preflight";

const S5_ENABLED = [
  "Status                   : Enabled",
  "Nodes:",
  "    10.48.36.61 (me) : Connected Master",
  "Interface                : a",
  "Last command             : 'database cluster join 10.48.36.61' (Success)",
].join("\n");
const S5_DISABLED = ["Status : Disabled", "Nodes:", "Interface : none", "Last command : none"].join("\n");
const KEYED = (listen: string, key: string, cert: string) =>
  [
    `Listening interfaces    : ${listen}`,
    "Preferred interface     : none",
    `Key file                : ${key}`,
    `Certificate file        : ${cert}`,
    "Address                 : none",
  ].join("\n");

describe("database cluster status", () => {
  it("reads Status and the last command of the S5 layout", () => {
    expect(parseDatabaseClusterStatus(S5_ENABLED)).toEqual({
      enabled: true,
      lastCommand: "'database cluster join 10.48.36.61' (Success)",
    });
    expect(parseDatabaseClusterStatus(S5_DISABLED)).toEqual({ enabled: false, lastCommand: "none" });
  });

  it("leaves enabled unknown when no Status line is printed", () => {
    expect(parseDatabaseClusterStatus("Cluster state : enabled\nLast command : none")).toEqual({
      enabled: undefined,
      lastCommand: "none",
    });
  });
});

describe("callbridge", () => {
  it("is configured with a listening interface, a key file and a certificate file", () => {
    expect(parseCallBridgeStatus(KEYED("a", "cb.key", "cb.cer"))).toEqual({ configured: true });
  });

  it.each([
    ["no interface", KEYED("none", "cb.key", "cb.cer")],
    ["no key file", KEYED("a", "none", "cb.cer")],
    ["no certificate file", KEYED("a", "cb.key", "none")],
  ])("is not configured with %s", (_what, output) => {
    expect(parseCallBridgeStatus(output)).toEqual({ configured: false });
  });

  it("is unknown when no Listening interfaces line is printed", () => {
    expect(parseCallBridgeStatus("Interfaces : a\nKey : cb.key\nCertificate : cb.cer")).toEqual({
      configured: undefined,
    });
  });
});

describe("user list", () => {
  it("reads each row's name, role and expiry day (the TechNote's transcript, 5-digit years too)", () => {
    const output = [
      "CMS> user list",
      "USERNAME ROLE PASSWORD EXPIRY LOGGED IN",
      "yyoshina admin 10000-Dec-31 no",
      "admin    admin 2017-Nov-05     yes",
      "odd      api   never           no",
    ].join("\n");
    expect(parseUserList(output)).toEqual([
      { username: "yyoshina", role: "admin", passwordExpiry: new Date(Date.UTC(10000, 11, 31)) },
      { username: "admin", role: "admin", passwordExpiry: new Date(Date.UTC(2017, 10, 5)) },
      { username: "odd", role: "api", passwordExpiry: undefined },
    ]);
  });

  it("reads nothing without its header, and no month it does not know", () => {
    expect(parseUserList("admin admin 2017-Nov-05 yes")).toEqual([]);
    expect(parseUserList("USERNAME ROLE PASSWORD EXPIRY LOGGED IN\nadmin admin 2017-Foo-05 yes")).toEqual([
      { username: "admin", role: "admin", passwordExpiry: undefined },
    ]);
  });
});

const NOW = new Date(Date.UTC(2026, 11, 3, 12));
const met: PreflightFacts = {
  node: "cb2",
  username: "admin",
  databaseCluster: { enabled: true, lastCommand: undefined },
  callBridge: { configured: true },
  users: [{ username: "admin", role: "admin", passwordExpiry: new Date(Date.UTC(2027, 5, 1)) }],
};
const DB_NEXT = "set up the database cluster on every node (Cisco doc 210530), then run `pulumi up` again";
const CB_NEXT =
  "configure the Call Bridge (`callbridge listen a`, `callbridge certs <key> <cert>`, `callbridge restart`), then run `pulumi up` again";
const expiring = (day: number) => ({
  ...met,
  users: [
    { username: "ops", role: "admin", passwordExpiry: new Date(Date.UTC(2026, 11, 4)) },
    { username: "admin", role: "admin", passwordExpiry: new Date(Date.UTC(2026, 11, day)) },
  ],
});

describe("preflight findings", () => {
  it("has none when every prerequisite is met, first build or not", () => {
    expect(preflightFindings(met, NOW, true)).toEqual([]);
    expect(preflightFindings(met, NOW, false)).toEqual([]);
  });

  it("stops the first build on a disabled database cluster and an unconfigured Call Bridge", () => {
    const facts = {
      ...met,
      databaseCluster: { enabled: false, lastCommand: "none" },
      callBridge: { configured: false },
    };
    expect(preflightFindings(facts, NOW, true)).toEqual([
      {
        node: "cb2",
        check: "database cluster",
        severity: "error",
        message:
          "`database cluster status` says the database cluster is not enabled; the TechNote clusters the database first",
        next: DB_NEXT,
      },
      {
        node: "cb2",
        check: "call bridge",
        severity: "error",
        message: "`callbridge` shows no listening interface, key file or certificate file",
        next: CB_NEXT,
      },
    ]);
    // A cluster that runs already is not stopped for it: it is reported.
    expect(preflightFindings(facts, NOW, false).map((f) => f.severity)).toEqual(["warning", "warning"]);
  });

  it("only warns about an output it cannot read, or a command the node refused", () => {
    const unread = { ...met, databaseCluster: { enabled: undefined, lastCommand: undefined }, callBridge: undefined };
    expect(preflightFindings(unread, NOW, true)).toEqual([
      {
        node: "cb2",
        check: "database cluster",
        severity: "warning",
        message: "`database cluster status` printed no Status line this tool can read",
        next: `check by hand: ${DB_NEXT}`,
      },
      {
        node: "cb2",
        check: "call bridge",
        severity: "warning",
        message: "`callbridge` printed no Listening interfaces line this tool can read",
        next: `check by hand: ${CB_NEXT}`,
      },
    ]);
  });

  it.each([
    [19, []],
    [18, ['the password of MMP user "admin" expires on 2026-12-18 (in 14 days)']],
    [5, ['the password of MMP user "admin" expires on 2026-12-05 (in 1 day)']],
    [4, ['the password of MMP user "admin" expires on 2026-12-04 (in 0 days)']],
    [2, ['the password of MMP user "admin" expired on 2026-12-02']],
  ])("warns about the stack's MMP user only, expiring on Dec %i", (day, messages) => {
    const findings = preflightFindings(expiring(day), NOW, true);
    expect(findings.map((f) => f.message)).toEqual(messages);
    for (const f of findings) {
      expect([f.node, f.check, f.severity, f.next]).toEqual([
        "cb2",
        "mmp password",
        "warning",
        "change it on the node, then `pulumi config set --secret mmpPassword <new>`",
      ]);
    }
  });

  it("says nothing about a password whose expiry it cannot read, or a user it does not find", () => {
    expect(
      preflightFindings(
        { ...met, users: [{ username: "admin", role: "admin", passwordExpiry: undefined }] },
        NOW,
        true,
      ),
    ).toEqual([]);
    expect(preflightFindings({ ...met, username: "ops" }, NOW, true)).toEqual([]);
    expect(preflightFindings({ ...met, users: undefined }, NOW, true)).toEqual([]);
  });

  it("prints one line per finding with the node, the check, the severity and what to do", () => {
    const [finding] = preflightFindings(expiring(2), NOW, true);
    expect(findingLine(finding)).toBe(
      '[cb2] preflight mmp password: warning: the password of MMP user "admin" expired on 2026-12-02; next: change it on the node, then `pulumi config set --secret mmpPassword <new>`',
    );
  });
});

describe("the parsers read only their own keys", () => {
  it("database cluster status: Status and Last command, not keys that end or start alike", () => {
    const output = [
      "Replication status       : disabled",
      "Status detail            : disabled",
      "Status                   : Enabled",
      "Previous last command    : 'database cluster initialize' (Success)",
      "Last command time        : 2026-12-01",
      "Last command             : 'database cluster join 10.48.36.61' (Success)",
    ].join("\n");
    expect(parseDatabaseClusterStatus(output)).toStrictEqual({
      enabled: true,
      lastCommand: "'database cluster join 10.48.36.61' (Success)",
    });
  });

  it("callbridge: its own interface, key and certificate lines, in either spelling", () => {
    const output = [
      "Preferred listening interfaces : none",
      "Listening interfaces list : none",
      "Listening interface : a",
      "CA key file : none",
      "Key file format : none",
      "Key file : cb.key",
      "CA certificate file : none",
      "Cert file format : none",
      "Cert file : cb.cer",
    ].join("\n");
    expect(parseCallBridgeStatus(output)).toStrictEqual({ configured: true });
    expect(parseCallBridgeStatus("Interfaces : a")).toStrictEqual({ configured: undefined });
  });

  it("user list: every month, indented output, padded columns; no date with extra characters", () => {
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const output = [
      "  USERNAME   ROLE   PASSWORD EXPIRY   LOGGED IN",
      ...months.map((m, i) => `  u${i}   admin   2027-${m}-0${1 + (i % 9)}   no`),
      "  short admin",
      "  lead   admin   x2027-Jan-01   no",
      "  trail  admin   2027-Jan-01x   no",
    ].join("\n");
    expect(parseUserList(output)).toStrictEqual([
      ...months.map((_, i) => ({
        username: `u${i}`,
        role: "admin",
        passwordExpiry: new Date(Date.UTC(2027, i, 1 + (i % 9))),
      })),
      { username: "lead", role: "admin", passwordExpiry: undefined },
      { username: "trail", role: "admin", passwordExpiry: undefined },
    ]);
  });

  it("user list: a line that only contains the header's words is not the header", () => {
    expect(parseUserList("xUSERNAME ROLE PASSWORD EXPIRY LOGGED IN\nadmin admin 2017-Nov-05 yes")).toStrictEqual([]);
  });
});

describe("the clock check (the CMS API's Date header)", () => {
  const API = "https://10.106.81.32:445";
  const NTP =
    "set the node's NTP servers (`ntp server add <ip>`) and check its time zone (`timezone`), then run `pulumi up` again";
  const at = (offsetMs: number, readAt?: Date) => ({
    ...met,
    clock: { api: API, time: new Date(NOW.getTime() + offsetMs), ...(readAt ? { readAt } : {}) },
  });

  it("says nothing within the limit, on either side, or when no API runs on the node", () => {
    expect(CLOCK_SKEW_LIMIT_MS).toBe(300_000);
    expect(clockFindings(at(CLOCK_SKEW_LIMIT_MS), NOW, true)).toEqual([]);
    expect(clockFindings(at(-CLOCK_SKEW_LIMIT_MS), NOW, true)).toEqual([]);
    expect(clockFindings(met, NOW, true)).toEqual([]);
  });

  it("stops the first build when the node is behind, and warns on a running cluster", () => {
    const behind = at(-CLOCK_SKEW_LIMIT_MS - 1 - 60_000);
    const finding = {
      node: "cb2",
      check: "clock",
      severity: "error",
      message: `its clock is 6 min behind this machine's (the Date of its CMS API ${API}: ${new Date(NOW.getTime() - 360_001).toISOString()}); a certificate made now is not valid on it yet`,
      next: NTP,
    };
    expect(clockFindings(behind, NOW, true)).toEqual([finding]);
    expect(clockFindings(behind, NOW, false)).toEqual([{ ...finding, severity: "warning" }]);
    expect(preflightFindings(behind, NOW, true)).toEqual([finding]);
  });

  it("names a clock ahead, and measures from when the answer came", () => {
    const readAt = new Date(NOW.getTime() + 3_600_000);
    expect(clockFindings(at(3_600_000, readAt), NOW, true)).toEqual([]);
    const [ahead] = clockFindings(at(CLOCK_SKEW_LIMIT_MS + 1), NOW, true);
    expect(ahead.message).toBe(
      `its clock is 5 min ahead of this machine's (the Date of its CMS API ${API}: ${new Date(NOW.getTime() + 300_001).toISOString()}); it sees certificates expire before the other nodes do`,
    );
  });

  it("warns, never fails, when the clock cannot be read", () => {
    const noDate = { ...met, clock: { api: API, time: undefined } };
    const failed = {
      ...met,
      clock: { api: API, time: undefined, error: "[cb2] GET /api/v1/system/configuration/xmpp: HTTP 401" },
    };
    for (const firstBuild of [true, false]) {
      expect(clockFindings(noDate, NOW, firstBuild)).toEqual([
        {
          node: "cb2",
          check: "clock",
          severity: "warning",
          message: `its CMS API (${API}) answered without a Date header, so its clock was not checked`,
          next: `check by hand: ${NTP}`,
        },
      ]);
      expect(clockFindings(failed, NOW, firstBuild).map((f) => [f.severity, f.message])).toEqual([
        [
          "warning",
          `its clock could not be read from its CMS API (${API}): [cb2] GET /api/v1/system/configuration/xmpp: HTTP 401`,
        ],
      ]);
    }
  });
});
