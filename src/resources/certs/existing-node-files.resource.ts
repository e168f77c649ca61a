import type * as pulumi from "@pulumi/pulumi";
import type { ExistingNodeFileNames } from "../../core/certs/schema";
import type { MmpTargetInput } from "../dynamic/mmp-target";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import { type ExistingNodeFilesInputs, provider } from "./existing-node-files.provider";

/** No `delete`: the files are the admin's, and destroy leaves them where they are. */
const existingNodeFilesProvider = dynamicProvider("certs/existing-node-files", provider);

type Inputs = {
  [K in keyof ExistingNodeFilesInputs]: pulumi.Input<ExistingNodeFilesInputs[K]>;
};

export function toInputs(mmp: pulumi.Input<MmpTargetInput>, names: ExistingNodeFileNames): Inputs {
  return { mmp, ...names };
}

/**
 * Certificate files an admin already put on a node (`certificates.source: existing`), checked over MMP before the
 * cluster uses them: `pki list` must list each, `pki match` must not report the key and certificate as a mismatch.
 * Read-only on the node; refresh checks again.
 */
export class ExistingNodeFiles extends DynamicResource {
  declare readonly keyMatch: pulumi.Output<"match" | "unchecked">;
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(
      existingNodeFilesProvider,
      name,
      { ...args, keyMatch: undefined, notAfter: undefined },
      opts,
      "cms",
      "ExistingNodeFiles",
    );
  }
}
