import { createHash } from "node:crypto";

/** XEP-0114 (Jabber Component Protocol), the way a Call Bridge authenticates to the XMPP server. */
export const STREAM_NS = "xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'";

/** The component's address: "<uniqueName>.<domain>". */
export const componentJid = (uniqueName: string, domain: string): string => `${uniqueName}.${domain}`;

export const openStream = (to: string): string => `<?xml version='1.0'?><stream:stream ${STREAM_NS} to='${to}'>`;

export const acceptStream = (from: string, id: string): string =>
  `<?xml version='1.0'?><stream:stream ${STREAM_NS} from='${from}' id='${id}'>`;

/** The handshake value never carries the secret itself. */
export const handshakeDigest = (streamId: string, secret: string): string =>
  createHash("sha1")
    .update(streamId + secret)
    .digest("hex");

export const streamError = (condition: string): string =>
  `<stream:error><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>`;

export const attribute = (tag: string, name: string): string | null =>
  new RegExp(`${name}=['"]([^'"]*)['"]`).exec(tag)?.[1] ?? null;
