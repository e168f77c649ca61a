const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export type XmlValue = string | number | boolean | XmlElement[];

export interface XmlElement {
  name: string;
  value: XmlValue;
  attributes?: Record<string, string>;
}

function render(element: XmlElement): string {
  const attributes = Object.entries(element.attributes ?? {})
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join("");
  const body = Array.isArray(element.value) ? element.value.map(render).join("") : escapeXml(String(element.value));
  return body === "" ? `<${element.name}${attributes} />` : `<${element.name}${attributes}>${body}</${element.name}>`;
}

/** A CMS API style XML document. */
export const xmlDocument = (root: XmlElement): string => `<?xml version="1.0"?>\n${render(root)}\n`;

export const el = (name: string, value: XmlValue, attributes?: Record<string, string>): XmlElement => ({
  name,
  value,
  attributes,
});
