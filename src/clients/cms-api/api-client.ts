import { request } from "node:https";
import { type ApiFailure, child, children, failureDetailsOf, parseXml, textOf, type XmlNode } from "./xml";

export interface CmsApiTarget {
  bridge: string;
  /** https://host:port */
  url: string;
  username: string;
  password: string;
  caCertPem?: string;
  insecureSkipVerify: boolean;
  timeoutMs: number;
}

export interface XmppSettings {
  uniqueName: string;
  domain: string;
  serverAddress: string;
}

export class CmsApiError extends Error {
  constructor(
    bridge: string,
    step: string,
    detail: string,
    hint: string,
    /** The HTTP status when the API answered with an error; undefined when it did not answer. */
    readonly httpStatus?: number,
    /** The API could not be reached at all (refused, timed out, no route): the Call Bridge is down or gone. */
    readonly unreachable = false,
  ) {
    super(`[${bridge}] ${step}: ${detail}\n  next: ${hint}`);
    this.name = "CmsApiError";
  }
}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN"]);

const XMPP_PATH = "/api/v1/system/configuration/xmpp";

/** The stack config field each parameter of the XMPP settings comes from. */
const CONFIG_FIELDS: Record<string, string> = {
  uniqueName: "callBridges[].name",
  domain: "domain",
  serverAddress: "callBridges[].serverAddress",
};

const describeFailure = (f: ApiFailure) =>
  f.parameter ? `parameter ${f.parameter}: ${f.error ?? f.reason}` : f.reason;

function failureHint(failures: ApiFailure[]): string {
  if (failures.some((f) => f.error === "unrecognised")) {
    return "this CMS release does not take that parameter: check that the node runs CMS 2.x";
  }
  const fields = [...new Set(failures.flatMap((f) => (f.parameter && CONFIG_FIELDS[f.parameter]) || []))];
  if (fields.length > 0)
    return `correct ${fields.join(" and ")} for this Call Bridge in the stack config, then run pulumi up again`;
  return "see the CMS API reference for this failure, correct it on the Call Bridge or in the stack config, then run pulumi up again";
}

/** The error for an HTTP error answer, with what the API's `<failureDetails>` say. */
function httpError(target: CmsApiTarget, step: string, status: number, body: string): CmsApiError {
  const failures = failureDetailsOf(body);
  const detail =
    failures.length > 0 ? `HTTP ${status} (${failures.map(describeFailure).join("; ")})` : `HTTP ${status}`;
  const hint =
    status === 401
      ? "check api.username and the apiPassword secret"
      : failures.length > 0
        ? failureHint(failures)
        : "check the CMS API URL and the node";
  return new CmsApiError(target.bridge, step, detail, hint, status);
}

function call(
  target: CmsApiTarget,
  method: "GET" | "PUT",
  path: string,
  form?: Record<string, string>,
  onDate?: (date: string | undefined) => void,
) {
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const url = new URL(path, target.url);
  return new Promise<string>((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        timeout: target.timeoutMs,
        ca: target.caCertPem,
        rejectUnauthorized: !target.insecureSkipVerify,
        auth: `${target.username}:${target.password}`,
        headers: body
          ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        onDate?.(res.headers.date);
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(httpError(target, `${method} ${path}`, status, text));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${target.timeoutMs} ms`)));
    req.on("error", (err: Error & { code?: string }) =>
      reject(
        new CmsApiError(
          target.bridge,
          `${method} ${path}`,
          err.message,
          /certificate|self.signed/i.test(err.message)
            ? "set api.caCertPem to the CA of the CMS API certificate (api.insecureSkipVerify only in labs)"
            : "check the Call Bridge apiUrl and that the Web Admin/API is listening",
          undefined,
          UNREACHABLE_CODES.has(err.code ?? "") || /^timed out after/.test(err.message),
        ),
      ),
    );
    req.end(body);
  });
}

/** Reads the Call Bridge's XMPP settings. The API never returns the shared secret. */
export async function getXmppSettings(target: CmsApiTarget): Promise<XmppSettings> {
  const xmpp = parseXml(await call(target, "GET", XMPP_PATH))?.xmpp as XmlNode | undefined;
  if (xmpp === undefined) {
    throw new CmsApiError(
      target.bridge,
      `GET ${XMPP_PATH}`,
      "the answer is not an <xmpp> document",
      "check that apiUrl is this Call Bridge's CMS API (https://<node>:<Web Admin port>)",
    );
  }
  return {
    uniqueName: textOf(child(xmpp, "uniqueName")),
    domain: textOf(child(xmpp, "domain")),
    serverAddress: textOf(child(xmpp, "serverAddress")),
  };
}

/**
 * The node's clock as its CMS API tells it: the HTTP `Date` header of an answer (RFC 9110 §6.6.1: a server with a
 * clock sends it), read from the XMPP settings GET. Undefined when the answer carries no readable Date.
 */
export async function readServerClock(target: CmsApiTarget): Promise<Date | undefined> {
  let header: string | undefined;
  await call(target, "GET", XMPP_PATH, undefined, (date) => {
    header = date;
  });
  const time = header ? new Date(header) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time : undefined;
}

export async function putXmppSettings(target: CmsApiTarget, settings: XmppSettings, sharedSecret: string) {
  await call(target, "PUT", XMPP_PATH, { ...settings, sharedSecret });
}

/**
 * The Call Bridge's XMPP connection status, when its API exposes one: the first element of /api/v1/system/status
 * whose name mentions xmpp (its `<status>` child, or its text). Undefined when there is none (or no status
 * resource at all, HTTP 404): not every CMS release reports it, and verification then relies on the cluster checks.
 */
export async function getXmppConnectionStatus(target: CmsApiTarget): Promise<string | undefined> {
  try {
    return xmppStatusFromXml(await call(target, "GET", "/api/v1/system/status"));
  } catch (err) {
    if (err instanceof CmsApiError && err.httpStatus === 404) return undefined;
    throw err;
  }
}

export function xmppStatusFromXml(xml: string): string | undefined {
  const found = firstXmppElement(parseXml(xml));
  if (found === undefined) return undefined;
  return textOf(child(found, "status") ?? found).trim() || undefined;
}

/** Depth first, in document order. */
function firstXmppElement(node: XmlNode | undefined): XmlNode | undefined {
  for (const { name, node: inner } of children(node)) {
    if (/xmpp/i.test(name)) return inner;
    const deeper = firstXmppElement(inner);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}
