/** Prints `xmpp cluster status` of each node given as host:port (admin/admin, the simulator's defaults). */
import { withMmpSession } from "../src/clients/mmp/session";

async function main() {
  for (const arg of process.argv.slice(2)) {
    const [host, port] = arg.split(":");
    const target = { node: arg, host, port: Number(port), username: "admin", password: "admin", trustOnFirstUse: true };
    const status = await withMmpSession(target, (s) => s.run("xmpp cluster status"));
    console.log(`--- ${arg}\n${status}`);
  }
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
