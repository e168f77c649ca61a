import type { Stack } from "@pulumi/pulumi/automation";
import { expect } from "vitest";
import type { SimCluster } from "../../sim";
import { mutating } from "./sim-lab";

/** A node's setup steps before its secrets, with the generated file names replaced by `F` (see `named`). */
export const SETUP = ["xmpp domain tptac9.com", "xmpp listen a", "xmpp certs F F F", "xmpp cluster trust F"];
export const SECRETS = [
  "xmpp callbridge add-secret cb1",
  "xmpp callbridge add-secret cb2",
  "xmpp callbridge add-secret cb3",
];
/** The initializer's steps when it builds a new 3-node cluster (file names as `F`). */
export const INITIALIZER = [
  ...SETUP,
  "xmpp callbridge add cb1",
  "xmpp callbridge add cb2",
  "xmpp callbridge add cb3",
  "xmpp disable",
  "xmpp cluster enable",
  "xmpp cluster initialize",
  "xmpp enable",
];
/** Commands with the generated certificate file names replaced by `F`. */
export const named = (commands: string[]) =>
  commands.map((c) => c.replace(/xmpp-[\w-]+?-[0-9a-f]{8}\.(key|cer)/g, "F"));
/** A joiner's steps after its secrets. */
export const joinSteps = (sim: SimCluster) => [
  "xmpp disable",
  "xmpp cluster enable",
  "xmpp enable",
  `xmpp cluster join ${sim.node("cb1").host}`,
];

/** What fault drills share: the failed up's error text, the errors under Diagnostics, what the nodes ran. */
export function drillTools(get: () => { sim: SimCluster; stack: Stack }, output: string[]) {
  const onOutput = (text: string) => output.push(text);
  return {
    onOutput,
    clear: () => {
      for (const n of get().sim.nodes) n.clearTranscript();
    },
    /** MMP commands that changed something, per node. */
    ran: () => Object.fromEntries(get().sim.nodes.map((n) => [n.name, mutating(get().sim, n.name)])),
    /** An up that succeeds with verification green and every member (all nodes by default) listing every member. */
    converges: async (memberNames?: string[]): Promise<void> => {
      const { sim, stack } = get();
      const up = await stack.up({ onOutput });
      expect(up.summary.result).toBe("succeeded");
      expect(up.outputs.verificationFindings.value).toEqual([]);
      const members = memberNames ? memberNames.map((n) => sim.node(n)) : sim.nodes;
      const peers = members.map((n) => `${n.host}:5222`).sort();
      for (const n of members) expect([...n.state().cluster.peers].sort(), `${n.name} peers`).toEqual(peers);
    },
    /** The failed up's error text (kept in `output` for the secret search). */
    failedUp: async (): Promise<string> => {
      try {
        await get().stack.up({ onOutput });
      } catch (error) {
        const text = String((error as Error).message);
        output.push(text);
        return text;
      }
      throw new Error("up succeeded under the fault");
    },
    /** The error lines under Diagnostics, once each, without the engine's closing `update failed`. */
    diagnosticErrors: (text: string) => {
      const lines = text
        .slice(text.indexOf("Diagnostics:"))
        .split("\n")
        .map((l) => l.trim());
      // An error recorded with the resource (an init error) is listed as `error: 1 error occurred:` then `* <error>`.
      const errors = lines.map((l, i) =>
        /^error: \d+ errors? occurred:$/.test(l) ? `error: ${(lines[i + 1] ?? "").replace(/^\* /, "")}` : l,
      );
      return [...new Set(errors.filter((l) => l.startsWith("error: ") && l !== "error: update failed"))];
    },
    /** Each XmppCluster resource in state, as the first lines of its init errors ([] when cleanly recorded). */
    recordedCluster: async () => {
      const deployment = (await get().stack.exportStack()).deployment;
      return (deployment.resources as { type: string; initErrors?: string[] }[])
        .filter((r) => r.type === "pulumi-nodejs:dynamic/cms:XmppCluster")
        .map((r) => (r.initErrors ?? []).map((e) => e.split("\n")[0]));
    },
    /** The Call Bridge secrets the cluster resource holds (decrypted), for the secret search. */
    bridgeSecrets: async (): Promise<string[]> => {
      const deployment = (await get().stack.exportStack()).deployment;
      const cluster = (deployment.resources as { type: string; outputs?: { secrets?: unknown } }[]).find(
        (r) => r.type === "pulumi-nodejs:dynamic/cms:XmppCluster",
      );
      const stored = cluster?.outputs?.secrets as { plaintext?: string } | undefined;
      if (!stored?.plaintext) throw new Error("no Call Bridge secrets in state");
      return Object.values(JSON.parse(stored.plaintext) as Record<string, string>);
    },
  };
}

export const NEXT_UP =
  "next: fix the cause on the node or in the stack config, then run `pulumi up` again; finished steps are not repeated";
