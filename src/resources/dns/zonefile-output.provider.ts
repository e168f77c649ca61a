import * as fs from "node:fs";
import * as path from "node:path";
import type { RecordSet } from "../../core/dns/records";
import { nsupdateRemovalScript, nsupdateScript, zoneFileLines } from "../../core/dns/zonefile";
import type { DynamicProvider } from "../dynamic/provider-shell";

export interface ZoneFileOutputInputs {
  /** Relative paths are relative to the Pulumi program's directory. */
  directory: string;
  zone: string;
  server?: { host: string; port: number };
  recordSets: RecordSet[];
}

/** The files written for a zone: zone-file lines, an nsupdate script to apply them, one to remove them. */
export function zoneFilePaths(directory: string, zone: string) {
  return {
    zoneFile: path.join(directory, `${zone}.xmpp.zone`),
    applyScript: path.join(directory, `${zone}.xmpp.nsupdate`),
    removeScript: path.join(directory, `${zone}.xmpp.remove.nsupdate`),
  };
}

function write(inputs: ZoneFileOutputInputs): void {
  const files = zoneFilePaths(inputs.directory, inputs.zone);
  fs.mkdirSync(inputs.directory, { recursive: true });
  fs.writeFileSync(files.zoneFile, `${zoneFileLines(inputs.recordSets).join("\n")}\n`);
  fs.writeFileSync(files.applyScript, nsupdateScript(inputs.recordSets, inputs));
  fs.rmSync(files.removeScript, { force: true });
}

/** Deleting the resource leaves a script that removes exactly the records written before. */
function writeRemoval(props: ZoneFileOutputInputs): void {
  const files = zoneFilePaths(props.directory, props.zone);
  fs.rmSync(files.zoneFile, { force: true });
  fs.rmSync(files.applyScript, { force: true });
  fs.mkdirSync(props.directory, { recursive: true });
  fs.writeFileSync(files.removeScript, nsupdateRemovalScript(props.recordSets, props));
}

const COMPARED: (keyof ZoneFileOutputInputs)[] = ["directory", "zone", "server", "recordSets"];

export const provider = {
  // Compares only the inputs: a new serialized provider alone is not a change.
  async diff(_id, olds, news) {
    return { changes: COMPARED.some((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key])) };
  },
  async create(inputs) {
    write(inputs);
    return { id: zoneFilePaths(inputs.directory, inputs.zone).applyScript, outs: inputs };
  },
  async update(_id, _olds, news) {
    write(news);
    return { outs: news };
  },
  async delete(_id, props) {
    writeRemoval(props);
  },
  async read(id, props) {
    const exists = props !== undefined && fs.existsSync(zoneFilePaths(props.directory, props.zone).applyScript);
    return exists ? { id, props } : { id: "", props };
  },
} satisfies DynamicProvider<ZoneFileOutputInputs, ZoneFileOutputInputs>;
