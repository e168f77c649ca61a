import { request } from "node:https";

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

function call(target: CmsApiTarget, method: "GET" | "PUT", path: string, form?: Record<string, string>) {
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
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else
            reject(
              new CmsApiError(
                target.bridge,
                `${method} ${path}`,
                `HTTP ${status}`,
                status === 401 ? "check api.username and the apiPassword secret" : "check the CMS API URL and the node",
                status,
              ),
            );
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

function element(xml: string, name: string): string | undefined {
  const match = xml.match(new RegExp(`<${name}>([^<]*)</${name}>|<${name}\\s*/>`));
  return match ? (match[1] ?? "") : undefined;
}

/** Reads the Call Bridge's XMPP settings. The API never returns the shared secret. */
export async function getXmppSettings(target: CmsApiTarget): Promise<XmppSettings> {
  const xml = await call(target, "GET", XMPP_PATH);
  return {
    uniqueName: element(xml, "uniqueName") ?? "",
    domain: element(xml, "domain") ?? "",
    serverAddress: element(xml, "serverAddress") ?? "",
  };
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
  const match = xml.match(/<([A-Za-z]*[Xx]mpp[A-Za-z]*)>([\s\S]*?)<\/\1>/);
  if (!match) return undefined;
  const inner = match[2];
  return (element(inner, "status") ?? inner).trim() || undefined;
}
