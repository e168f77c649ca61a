import { Client } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { loopbackSubnet } from "./sim-support/loopback-net";
import { MmpClient } from "./sim-support/mmp-client";

function execOnce(target: { host: string; sshPort: number }, command: string, stdin?: string) {
  return new Promise<{ code: number | null; stdout: string } | { refused: string }>((resolve, reject) => {
    const client = new Client();
    client.on("error", reject);
    client.once("ready", () =>
      client.exec(command, (error, stream) => {
        if (error) {
          client.end();
          return resolve({ refused: error.message });
        }
        let stdout = "";
        let code: number | null = null;
        stream.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        stream.on("exit", (exitCode: number) => {
          code = exitCode;
        });
        stream.on("close", () => {
          client.end();
          resolve({ code, stdout });
        });
        if (stdin !== undefined) stream.end(stdin);
      }),
    );
    client.connect({ host: target.host, port: target.sshPort, username: "admin", password: "admin" });
  });
}

/** The MMP over SSH: authentication, prompt, echo, CRLF, exec switch, several sessions, versions. */
describe("MMP SSH sessions", () => {
  const subnet = loopbackSubnet();
  let cluster: SimCluster;

  beforeAll(async () => {
    cluster = await startSimCluster({
      nodes: [
        { name: "cms1", host: `${subnet}.1`, users: [{ username: "admin", password: "s3cret!" }] },
        { name: "cms2", host: `${subnet}.2`, execChannel: true },
        { name: "streamer", host: `${subnet}.3`, version: "3.2.1" },
      ],
    });
  });
  afterAll(() => cluster?.stop());

  it("accepts password and keyboard-interactive logins and rejects a wrong password", async () => {
    const node = cluster.node("cms1");
    const byPassword = await MmpClient.connect(node, { password: "s3cret!" });
    const byKeyboard = await MmpClient.connect(node, { password: "s3cret!", keyboard: true });
    expect(await byKeyboard.run("version")).toBe("2.9.8");
    await expect(MmpClient.connect(node, { password: "admin" })).rejects.toThrow(/authentication/i);
    expect(await byPassword.run("user list")).toMatch(
      /^USERNAME +ROLE +PASSWORD EXPIRY +LOGGED IN\nadmin +admin +\d{4}-[A-Z][a-z]{2}-\d{2} +yes$/,
    );
    byPassword.close();
    byKeyboard.close();
  });

  it("prints the prompt, echoes input and answers with CRLF line ends", async () => {
    const mmp = await MmpClient.connect(cluster.node("cms2"));
    expect(await mmp.raw("version")).toBe("version\r\n2.9.8\r\ncms2> ");
    expect(await mmp.raw("frobnicate now")).toBe("frobnicate now\r\nUnknown command: frobnicate\r\ncms2> ");
    expect(await mmp.raw("")).toBe("\r\ncms2> ");
    mmp.send("verx\x7fsion");
    expect(await mmp.raw("")).toBe("verx\b \bsion\r\n2.9.8\r\ncms2> ");
    mmp.close();
  });

  it("reads the callbridge secret without echo", async () => {
    const mmp = await MmpClient.connect(cluster.node("cms2"));
    await mmp.run("xmpp domain example.com");
    const shown = await mmp.runWithSecret("xmpp callbridge add-secret cb9", "TypedSecret1234Ab1");
    expect(shown).toBe("xmpp callbridge add-secret cb9\r\nEnter callbridge secret\r\n\r\ncms2> ");
    expect(await mmp.run("xmpp callbridge list")).toBe(
      "***\nCallbridge : cb9\nDomain     : example.com\nSecret     : TypedSecret1234Ab1",
    );
    expect(JSON.stringify(cluster.node("cms2").transcript)).not.toContain("TypedSecret1234Ab1");
    mmp.close();
  });

  it("serves several sessions at once on one node, sharing its state", async () => {
    const node = cluster.node("cms2");
    const sessions = await Promise.all([1, 2, 3].map(() => MmpClient.connect(node)));
    await Promise.all(sessions.map((mmp, index) => mmp.run(`xmpp callbridge add multi${index}`)));
    const list = await sessions[0].run("xmpp callbridge list");
    for (const index of [0, 1, 2]) expect(list).toContain(`Callbridge : multi${index}`);
    for (const mmp of sessions) mmp.close();
  });

  it("runs one command on the exec channel when enabled, with an exit status", async () => {
    const ok = await execOnce(cluster.node("cms2"), "version");
    expect(ok).toEqual({ code: 0, stdout: "2.9.8\n" });
    const failed = await execOnce(cluster.node("cms2"), "xmpp enable");
    expect(failed).toMatchObject({ code: 1 });
    const secret = await execOnce(cluster.node("cms2"), "xmpp callbridge add-secret viaexec", "ExecSecret99Ab1\n");
    expect(secret).toEqual({ code: 0, stdout: "Enter callbridge secret\n" });
    expect(cluster.node("cms2").state().xmpp.callbridges).toContain("viaexec");
  });

  it("refuses the exec channel by default", async () => {
    const refused = await execOnce(cluster.node("streamer"), "version");
    expect(refused).toHaveProperty("refused");
  });

  it("on CMS 3.x every xmpp command is unknown", async () => {
    const mmp = await MmpClient.connect(cluster.node("streamer"));
    expect(await mmp.run("version")).toBe("3.2.1");
    for (const command of ["xmpp", "xmpp cluster status", "xmpp callbridge list", "xmpp enable"]) {
      expect(await mmp.run(command)).toBe("Unknown command: xmpp");
    }
    expect(await mmp.run("pki list")).toBe("User supplied certificates and keys:");
    mmp.close();
  });

  it("reports the host key fingerprint the client sees", async () => {
    const node = cluster.node("cms1");
    const seen = await new Promise<string>((resolve, reject) => {
      const client = new Client();
      client.on("error", reject);
      client.connect({
        host: node.host,
        port: node.sshPort,
        username: "admin",
        password: "s3cret!",
        hostHash: "sha256",
        hostVerifier: (hash: string) => {
          resolve(`SHA256:${Buffer.from(hash, "hex").toString("base64").replace(/=+$/, "")}`);
          client.end();
          return false;
        },
      });
    });
    expect(seen).toBe(node.hostKeyFingerprint);
    expect(node.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
