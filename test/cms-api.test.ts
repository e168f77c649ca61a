// The CMS API client: XML parsed with fast-xml-parser, and `<failureDetails>` in every error, against the
// simulator's API and a canned HTTPS server for answers the simulator never gives. No engine.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { issueKeyAndCertificate } from "../sim/pki/ca";
import {
  type CmsApiTarget,
  getXmppSettings,
  putXmppSettings,
  readServerClock,
} from "../src/clients/cms-api/api-client";
import { failureDetailsOf } from "../src/clients/cms-api/xml";
import { randomLoopbackPrefix } from "./support/loopback";

const XMPP = "/api/v1/system/configuration/xmpp";
const SECRET = "Bridge-Secret-9x2w";

/** The message a call fails with, exactly. */
const failureOf = (call: Promise<unknown>) =>
  call.then(
    () => "(it succeeded)",
    (err: Error) => err.message,
  );

describe("failureDetailsOf", () => {
  it("gives every parameterError's parameter and error, and every other failure by name", () => {
    expect(
      failureDetailsOf(
        '<?xml version="1.0"?>\n<failureDetails><parameterError parameter="serverAddress" error="invalidValue" />' +
          '<parameterError parameter="bogus" error="unrecognised" /><objectDoesNotExist /></failureDetails>\n',
      ),
    ).toEqual([
      { reason: "parameterError", parameter: "serverAddress", error: "invalidValue" },
      { reason: "parameterError", parameter: "bogus", error: "unrecognised" },
      { reason: "objectDoesNotExist" },
    ]);
  });

  it("keeps no value the API echoes", () => {
    expect(
      failureDetailsOf(
        `<failureDetails><parameterError parameter="sharedSecret" value="${SECRET}" /></failureDetails>`,
      ),
    ).toEqual([{ reason: "parameterError", parameter: "sharedSecret" }]);
  });

  it("finds nothing in an empty, unrelated or broken body", () => {
    expect(failureDetailsOf("")).toEqual([]);
    expect(failureDetailsOf("<failureDetails />")).toEqual([]);
    expect(failureDetailsOf("<html><body>Bad Request</body></html>")).toEqual([]);
    expect(failureDetailsOf("<failureDetails><parameterError")).toEqual([]);
  });
});

describe("the CMS API client against the simulator's API over HTTPS", () => {
  let sim: SimCluster;
  let target: CmsApiTarget;
  const node = () => sim.nodes[0];

  beforeAll(async () => {
    sim = await startSimCluster({ nodes: [{ name: "cb1", host: `${randomLoopbackPrefix()}.1` }] });
    target = {
      bridge: "cb1",
      url: `https://${node().host}:${node().apiPort}`,
      username: "admin",
      password: "admin",
      caCertPem: node().apiCertPem,
      insecureSkipVerify: false,
      timeoutMs: 5000,
    };
  });
  afterAll(() => sim?.stop());

  it("reads the settings the API holds, an empty element as blank", async () => {
    await putXmppSettings(target, { uniqueName: "cb1", domain: "tptac9.com", serverAddress: "" }, SECRET);
    expect(await getXmppSettings(target)).toEqual({ uniqueName: "cb1", domain: "tptac9.com", serverAddress: "" });
    await putXmppSettings(target, { uniqueName: "007", domain: "tptac9.com", serverAddress: "10.0.0.1:5223" }, SECRET);
    expect(await getXmppSettings(target)).toEqual({
      uniqueName: "007",
      domain: "tptac9.com",
      serverAddress: "10.0.0.1:5223",
    });
  });

  it("names the parameter the API refused, the bridge, the step and the config field to correct", async () => {
    const refused = putXmppSettings(
      target,
      { uniqueName: "cb1", domain: "tptac9.com", serverAddress: "10.0.0.1:99999" },
      SECRET,
    );
    expect(await failureOf(refused)).toBe(
      `[cb1] PUT ${XMPP}: HTTP 400 (parameter serverAddress: invalidValue)\n` +
        "  next: correct callBridges[].serverAddress for this Call Bridge in the stack config, then run pulumi up again",
    );
    await expect(refused).rejects.toMatchObject({ httpStatus: 400, unreachable: false });
    const last = node().transcript.at(-1);
    expect(last?.command).toBe(
      `API PUT ${XMPP} uniqueName=cb1&domain=tptac9.com&serverAddress=10.0.0.1:99999&sharedSecret=********`,
    );
    expect(last?.output).toBe("400 invalid serverAddress");
    expect((await getXmppSettings(target)).serverAddress).toBe("10.0.0.1:5223");
  });

  it("stores any server address with apiChecksServerAddress off", async () => {
    node().behaviour.apiChecksServerAddress = false;
    try {
      await putXmppSettings(target, { uniqueName: "cb1", domain: "tptac9.com", serverAddress: "x:99999" }, SECRET);
      expect((await getXmppSettings(target)).serverAddress).toBe("x:99999");
    } finally {
      node().behaviour.apiChecksServerAddress = true;
    }
  });

  it("reads the node's clock from the Date header of its answer", async () => {
    const minutesOff = async () => {
      const clock = (await readServerClock(target)) as Date;
      // + 0: a clock a few ms behind rounds to -0.
      return [clock.getUTCMilliseconds(), Math.round((clock.getTime() - Date.now()) / 60_000) + 0];
    };
    expect(await minutesOff()).toEqual([0, 0]);
    node().faults.clockSkewMs = -10 * 60_000;
    try {
      expect(await minutesOff()).toEqual([0, -10]);
    } finally {
      node().faults.clockSkewMs = 0;
    }
  });

  it("says which credentials to check on HTTP 401", async () => {
    expect(await failureOf(getXmppSettings({ ...target, password: "wrong" }))).toBe(
      `[cb1] GET ${XMPP}: HTTP 401\n  next: check api.username and the apiPassword secret`,
    );
  });
});

describe("the CMS API client on answers the simulator never gives", () => {
  const host = `${randomLoopbackPrefix()}.9`;
  const credentials = issueKeyAndCertificate({ CN: host }, { subjectAltNames: [host] });
  /** `date`: the Date header to send instead of the server's own; null: none at all. */
  let answer: { status: number; body: string; date?: string | null };
  let server: Server;
  let target: CmsApiTarget;

  beforeAll(async () => {
    server = createServer(
      { key: credentials.keyPem, cert: credentials.certPem },
      (request: IncomingMessage, response: ServerResponse) => {
        request.resume();
        request.on("end", () => {
          if (answer.date === null) response.sendDate = false;
          else if (answer.date !== undefined) response.setHeader("Date", answer.date);
          response.writeHead(answer.status, { "Content-Type": "text/xml" }).end(answer.body);
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as { port: number };
    target = {
      bridge: "cb9",
      url: `https://${host}:${port}`,
      username: "admin",
      password: "admin",
      caCertPem: credentials.certPem,
      insecureSkipVerify: false,
      timeoutMs: 5000,
    };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const put = () => putXmppSettings(target, { uniqueName: "cb9", domain: "tptac9.com", serverAddress: "" }, SECRET);

  it("refuses a settings answer that is not an <xmpp> document instead of reading it as blank", async () => {
    answer = { status: 200, body: "<html><body>Cisco Meeting Server</body></html>" };
    expect(await failureOf(getXmppSettings(target))).toBe(
      `[cb9] GET ${XMPP}: the answer is not an <xmpp> document\n` +
        "  next: check that apiUrl is this Call Bridge's CMS API (https://<node>:<Web Admin port>)",
    );
  });

  it("lists several refused parameters, and says an unrecognised one means the wrong CMS release", async () => {
    answer = {
      status: 400,
      body:
        '<failureDetails><parameterError parameter="uniqueName" error="valueTooLong" />' +
        '<parameterError parameter="serverAddress" error="unrecognised" /></failureDetails>',
    };
    expect(await failureOf(put())).toBe(
      `[cb9] PUT ${XMPP}: HTTP 400 (parameter uniqueName: valueTooLong; parameter serverAddress: unrecognised)\n` +
        "  next: this CMS release does not take that parameter: check that the node runs CMS 2.x",
    );
  });

  it("names the config fields of several refused parameters", async () => {
    answer = {
      status: 400,
      body:
        '<failureDetails><parameterError parameter="uniqueName" error="valueTooLong" />' +
        '<parameterError parameter="domain" error="invalidValue" /></failureDetails>',
    };
    expect(await failureOf(put())).toBe(
      `[cb9] PUT ${XMPP}: HTTP 400 (parameter uniqueName: valueTooLong; parameter domain: invalidValue)\n` +
        "  next: correct callBridges[].name and domain for this Call Bridge in the stack config, then run pulumi up again",
    );
  });

  it("gives a failure that is not about a parameter by name, and never the secret", async () => {
    answer = { status: 404, body: "<failureDetails><objectDoesNotExist /></failureDetails>" };
    const failure = await put().catch((err: Error) => err);
    expect((failure as Error).message).toBe(
      `[cb9] PUT ${XMPP}: HTTP 404 (objectDoesNotExist)\n` +
        "  next: see the CMS API reference for this failure, correct it on the Call Bridge or in the stack config, then run pulumi up again",
    );
    expect((failure as Error).message).not.toContain(SECRET);
  });

  it("reads no clock from an answer without a Date header, or with one that is not a date", async () => {
    const xmpp = "<xmpp><uniqueName>cb9</uniqueName><domain>tptac9.com</domain><serverAddress /></xmpp>";
    answer = { status: 200, body: xmpp, date: null };
    expect(await readServerClock(target)).toBeUndefined();
    answer = { status: 200, body: xmpp, date: "yesterday" };
    expect(await readServerClock(target)).toBeUndefined();
    answer = { status: 200, body: xmpp, date: "Thu, 03 Dec 2026 12:00:00 GMT" };
    expect((await readServerClock(target))?.toISOString()).toBe("2026-12-03T12:00:00.000Z");
  });

  it("keeps the plain status when the error answer has no failureDetails", async () => {
    answer = { status: 500, body: "" };
    expect(await failureOf(put())).toBe(`[cb9] PUT ${XMPP}: HTTP 500\n  next: check the CMS API URL and the node`);
  });
});
