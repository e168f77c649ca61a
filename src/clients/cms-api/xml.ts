import { XMLParser, XMLValidator } from "fast-xml-parser";

/** An element: its text, or its children by name (a repeated child as an array), attributes under `@`. */
export type XmlNode = string | XmlElement;
export interface XmlElement {
  [name: string]: XmlNode | XmlNode[] | Record<string, string> | undefined;
  "@"?: Record<string, string>;
  "#text"?: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  attributesGroupName: "@",
  // Values stay text: a Call Bridge named 007 is not the number 7.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
});

/** The document's root elements by name, or undefined when the text is not well-formed XML. */
export function parseXml(text: string): XmlElement | undefined {
  if (XMLValidator.validate(text) !== true) return undefined;
  return parser.parse(text) as XmlElement;
}

/** The element's own text ("" for `<x />` or an element with children only). */
export function textOf(node: XmlNode | undefined): string {
  if (node === undefined) return "";
  return typeof node === "string" ? node : (node["#text"] ?? "");
}

/** The first child of that name (the first one when it repeats). */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === "string") return undefined;
  const value = node[name] as XmlNode | XmlNode[] | undefined;
  return Array.isArray(value) ? value[0] : value;
}

/** Every child element with its name, in document order (repeats one after another). */
export function children(node: XmlNode | undefined): { name: string; node: XmlNode }[] {
  if (node === undefined || typeof node === "string") return [];
  return Object.entries(node)
    .filter(([name]) => name !== "@" && name !== "#text")
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value as XmlNode]).map((n) => ({ name, node: n })));
}

/** One entry of a CMS API `<failureDetails>`: its element name, and the parameter and error of a `parameterError`. */
export interface ApiFailure {
  reason: string;
  parameter?: string;
  error?: string;
}

/**
 * What a CMS API error answer says in `<failureDetails>`, e.g.
 * `<failureDetails><parameterError parameter="serverAddress" error="invalidValue" /></failureDetails>`. Only the
 * element names and the `parameter` and `error` attributes are kept: never a value the API might echo.
 */
export function failureDetailsOf(body: string): ApiFailure[] {
  const details = parseXml(body)?.failureDetails as XmlNode | undefined;
  return children(details).map(({ name, node }) => {
    const attributes = typeof node === "string" ? {} : (node["@"] ?? {});
    return {
      reason: name,
      ...(attributes.parameter !== undefined ? { parameter: attributes.parameter } : {}),
      ...(attributes.error !== undefined ? { error: attributes.error } : {}),
    };
  });
}
