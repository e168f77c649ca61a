/** A valid stack config `cluster` object for three nodes at the given SSH endpoints (see bad-configs.yaml). */
export function baseConfig(endpoints: { host: string; port: number }[]): Record<string, unknown> {
  return {
    domain: "tptac9.com",
    initializer: "cb1",
    listen: ["a"],
    nodes: endpoints.map((e, i) => ({
      name: `cb${i + 1}`,
      address: e.host,
      sshPort: e.port,
      fqdn: `cb${i + 1}.tptac9.com`,
      hostKeyFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
    })),
    callBridges: endpoints.map((e, i) => ({ name: `cb${i + 1}`, apiUrl: `https://${e.host}:445` })),
    mmp: { timeoutSeconds: 5 },
    certificates: { source: "onNodeCsr" },
  };
}

type Json = unknown;
const isMapping = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The row's change applied to the base: mappings merge, a mapping with numeric keys patches those list items (null
 * removes the item), null deletes a key, anything else replaces. `"@node0"` stands for node 0's address.
 */
export function applyPatch(base: Json, patch: Json, root: Json = base): Json {
  if (patch === "@node0") return ((root as { nodes: { address: string }[] }).nodes[0] as { address: string }).address;
  if (Array.isArray(base) && isMapping(patch)) {
    const out = base.map((item, i) => (i in patch ? applyPatch(item, patch[String(i)], root) : item));
    return out.filter((_, i) => !(i in patch && patch[String(i)] === null));
  }
  if (isMapping(base) && isMapping(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? applyPatch(base[key], value, root) : value;
    }
    return out;
  }
  return patch;
}
