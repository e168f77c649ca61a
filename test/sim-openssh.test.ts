import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { loopbackSubnet } from "./sim-support/loopback-net";

const PASSWORD = "Op3nSSH-pw";

/** The system's own OpenSSH client and sftp against the simulator: proof that it is a real SSH server. */
describe("OpenSSH ssh and sftp binaries", () => {
  const scratch = mkdtempSync(join(tmpdir(), "sim-openssh-"));
  let cluster: SimCluster;
  const host = `${loopbackSubnet()}.1`;

  /** Password through SSH_ASKPASS (OpenSSH >= 8.4 honours SSH_ASKPASS_REQUIRE=force without a TTY). */
  const run = (command: string, args: string[], stdin: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(command, args, {
        env: {
          PATH: process.env.PATH,
          HOME: scratch,
          SSH_ASKPASS: join(scratch, "askpass.sh"),
          SSH_ASKPASS_REQUIRE: "force",
          DISPLAY: ":0",
          SIM_SSH_PASSWORD: PASSWORD,
        },
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
      });
      let stdout = "";
      let stderr = "";
      // sftp runs ssh as a child that shares stderr: kill the whole process group on a hang.
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 15_000);
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(stdin);
    });
  const options = (node: { sshPort: number }, portFlag: "-p" | "-P") => [
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    `UserKnownHostsFile=${join(scratch, "known_hosts")}`,
    "-o",
    "PubkeyAuthentication=no",
    "-o",
    "FingerprintHash=sha256",
    "-o",
    "ConnectTimeout=5",
    portFlag,
    String(node.sshPort),
  ];

  beforeAll(async () => {
    writeFileSync(join(scratch, "askpass.sh"), '#!/bin/sh\nprintf "%s\\n" "$SIM_SSH_PASSWORD"\n');
    chmodSync(join(scratch, "askpass.sh"), 0o700);
    cluster = await startSimCluster({
      nodes: [{ name: "cb1", host, users: [{ username: "admin", password: PASSWORD }] }],
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("ssh -tt gives the MMP prompt, echo, CRLF and the no-echo secret prompt", async () => {
    const node = cluster.node("cb1");
    const result = await run(
      "ssh",
      ["-tt", "-v", ...options(node, "-p"), `admin@${host}`],
      "version\rxmpp callbridge add-secret cb7\rSecretByOpenSSH1Ab1\rbogus\r\x04",
    );
    expect(result.stdout).toBe(
      [
        "cb1> version",
        "2.9.8",
        "cb1> xmpp callbridge add-secret cb7",
        "Enter callbridge secret",
        "",
        "cb1> bogus",
        "Unknown command: bogus",
        "cb1> ",
      ].join("\r\n"),
    );
    expect(result.stderr).toContain(`Server host key: ssh-ed25519 ${node.hostKeyFingerprint}`);
    expect(node.state().xmpp.callbridges).toEqual(["cb7"]);
  });

  it("ssh without an exec channel says so", async () => {
    const result = await run("ssh", [...options(cluster.node("cb1"), "-p"), `admin@${host}`, "version"], "");
    expect(result.code).toBe(255);
    expect(result.stderr).toContain("exec request failed");
  });

  it("sftp uploads, lists, downloads and cannot make directories", async () => {
    writeFileSync(join(scratch, "upload.cer"), "certificate bytes\n");
    const commands = [
      `put ${join(scratch, "upload.cer")} abhiall.cer`,
      "ls -l",
      `get abhiall.cer ${join(scratch, "download.cer")}`,
      "mkdir certs",
      "rename abhiall.cer renamed.cer",
      "ls",
    ];
    const result = await run(
      "sftp",
      [...options(cluster.node("cb1"), "-P"), `admin@${host}`],
      `${commands.join("\n")}\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/-rw-r--r-- +1 admin +admin +18 .* abhiall\.cer/);
    expect(result.stdout).toMatch(/sftp> ls\nrenamed\.cer/);
    expect(result.stderr).toContain('remote mkdir "/certs": Permission denied');
    expect(readFileSync(join(scratch, "download.cer"), "utf8")).toBe("certificate bytes\n");
    expect(cluster.node("cb1").state().files).toEqual(["renamed.cer"]);
  });
});
