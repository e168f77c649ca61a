import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { nsupdateRemovalScript, nsupdateScript } from "../../core/dns/zonefile";
import { requireOptional } from "./optional-package";
import { type ZoneFileOutputInputs, zoneFilePaths } from "./zonefile-output.provider";

/** The part of `@pulumi/command` used here, declared locally as for @pulumi/aws (see route53.ts). */
export interface CommandLocalModule {
  local: {
    Command: new (
      name: string,
      args: { create: string; update: string; delete: string; triggers: string[] },
      opts?: pulumi.CustomResourceOptions,
    ) => pulumi.CustomResource;
  };
}

const REMOVAL_END = "END_OF_XMPP_DNS_REMOVAL";

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The shell strings the Command runs, and the hash of the apply script that triggers a re-run. */
export function nsupdateCommandArgs(zoneFile: ZoneFileOutputInputs) {
  const script = nsupdateScript(zoneFile.recordSets, zoneFile);
  const apply = `nsupdate -g ${shellQuote(zoneFilePaths(zoneFile.directory, zoneFile.zone).applyScript)}`;
  return {
    create: apply,
    update: apply,
    // On destroy this Command is deleted before the ZoneFileOutput it depends on, so the removal script that
    // ZoneFileOutput's delete writes does not exist yet. The Command's delete therefore carries the removal script
    // itself, rendered from the records it last applied (the engine runs the delete string kept in state).
    delete: `nsupdate -g <<'${REMOVAL_END}'\n${nsupdateRemovalScript(zoneFile.recordSets, zoneFile)}${REMOVAL_END}`,
    // With an `update` command, a changed trigger updates in place: the apply script replaces each record set
    // atomically, where a replacement would delete the old records after (or before) writing the new ones.
    triggers: [createHash("sha256").update(script).digest("hex")],
  };
}

/**
 * A `command.local.Command` that runs `nsupdate -g` on the written script from a host with a Kerberos ticket
 * (e.g. a domain-joined host after `kinit`). `@pulumi/command` is an optional peer dependency, loaded only here.
 */
export function nsupdateCommand(
  name: string,
  zoneFile: ZoneFileOutputInputs,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const command = requireOptional<CommandLocalModule>("@pulumi/command", "dns.nsupdate.run");
  return new command.local.Command(name, nsupdateCommandArgs(zoneFile), opts);
}
