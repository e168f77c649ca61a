// The baseline of `npm run bench`: a Pulumi TypeScript program with no resources. It imports the SDK, as every
// program does, so its cost is the engine's: CLI, language host, ts-node and @pulumi/pulumi.
import * as pulumi from "@pulumi/pulumi";

export const project = pulumi.getProject();
