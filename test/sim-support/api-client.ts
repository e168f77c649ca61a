import { request } from "node:https";
import type { SimNode } from "../../sim";

export interface ApiResponse {
  status: number;
  body: string;
}

/** HTTPS call to a node's API, trusting (pinning) that node's self-signed certificate. */
export function callApi(
  node: SimNode,
  method: "GET" | "PUT",
  path: string,
  form?: Record<string, string>,
  credentials: string | null = "admin:admin",
): Promise<ApiResponse> {
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: node.host,
        port: node.apiPort,
        method,
        path,
        ca: node.apiCertPem,
        headers: {
          ...(credentials ? { Authorization: `Basic ${Buffer.from(credentials).toString("base64")}` } : {}),
          ...(body ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export const xmlValue = (xml: string, element: string): string | null =>
  new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml)?.[1] ?? (xml.includes(`<${element} />`) ? "" : null);
