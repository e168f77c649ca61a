import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { RecordSet } from "../../core/dns/records";
import { nsupdateRemovalScript, nsupdateScript, zoneFileLines } from "../../core/dns/zonefile";
import { fromProgramDir, loadImplementation } from "../dynamic/provider-shell";

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

/** Implementation, loaded by path in the provider process. */
export const zoneFileProviderImpl = {
  async create(inputs: ZoneFileOutputInputs) {
    write(inputs);
    return { id: zoneFilePaths(inputs.directory, inputs.zone).applyScript, outs: inputs };
  },
  async update(_id: string, _olds: ZoneFileOutputInputs, news: ZoneFileOutputInputs) {
    write(news);
    return { outs: news };
  },
  async delete(_id: string, props: ZoneFileOutputInputs) {
    writeRemoval(props);
  },
  async read(id: string, props: ZoneFileOutputInputs) {
    return fs.existsSync(zoneFilePaths(props.directory, props.zone).applyScript) ? { id, props } : { id: "", props };
  },
};

type Impl = { zoneFileProviderImpl: typeof zoneFileProviderImpl };
const IMPL = fromProgramDir("components/dns/zonefile-backend");
const impl = () => loadImplementation<Impl>(IMPL).zoneFileProviderImpl;

const zoneFileProvider: pulumi.dynamic.ResourceProvider = {
  create: (inputs) => impl().create(inputs),
  update: (id, olds, news) => impl().update(id, olds, news),
  delete: (id, props) => impl().delete(id, props),
  read: (id, props) => impl().read(id, props),
};

/**
 * Writes the zone-file lines and an nsupdate script instead of applying them, for DNS servers that only accept
 * Kerberos-signed (GSS-TSIG) updates, such as Microsoft DNS with secure updates: the admin runs `nsupdate -g`.
 */
export class ZoneFileOutput extends pulumi.dynamic.Resource {
  constructor(name: string, args: ZoneFileOutputInputs, opts?: pulumi.CustomResourceOptions) {
    super(zoneFileProvider, name, args, opts, "cms", "DnsZoneFileOutput");
  }
}
