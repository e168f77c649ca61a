import * as pulumi from "@pulumi/pulumi";

/** A resource as the program registered it under Pulumi's mocks. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/**
 * Sets Pulumi's mocks for `project`/`stack`: every resource gets its inputs back as its state, and is appended to the
 * returned list in the order it registered.
 */
export function recordRegistrations(
  project: string,
  stack = "stack",
): { registered: Registered[]; ready: Promise<void> } {
  const registered: Registered[] = [];
  const ready = pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
  return { registered, ready };
}
