// By hand, after a run that was killed before its own cleanup:
//   node --import tsx infra/testnet/cli.ts cleanup [DIR]      (DIR defaults to .berth/testnet)
import { cleanupTestNetwork, defaultDir } from "./testnet.ts";

const [command, dir] = process.argv.slice(2);
if (command !== "cleanup") {
  process.stderr.write("usage: node --import tsx infra/testnet/cli.ts cleanup [DIR]\n");
  process.exit(2);
}
await cleanupTestNetwork(dir ?? defaultDir());
process.stdout.write(`test network cleaned up (${dir ?? defaultDir()})\n`);
