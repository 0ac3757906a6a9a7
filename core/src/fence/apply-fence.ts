// Installs, refreshes and removes a fence (fence-rules.ts) with the host's iptables. Idempotent:
// the chains are rewritten in one iptables-restore commit, the jumps added only when missing.
// `-w` waits for the xtables lock that dockerd also takes.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { FENCE_COMMENT, type Fence, fenceChains, fenceJumps, fenceRestoreInput } from "./fence-rules.ts";

const run = promisify(execFile);

// Agents start with a minimal environment (no PATH): look where distributions install it.
const DIRS = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];
const which = (name: string) => DIRS.map((d) => `${d}/${name}`).find((p) => existsSync(p)) ?? name;

async function iptables(args: string[]): Promise<boolean> {
  try {
    await run(which("iptables"), ["-w", "10", ...args], { timeout: 30_000 });
    return true;
  } catch (e) {
    if ((e as { code?: unknown }).code === 1) return false;
    throw e;
  }
}

function restore(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(which("iptables-restore"), ["-w", "10", "--noflush"], { timeout: 30_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`iptables-restore failed: ${stderr.trim() || err.message}`)) : resolve(),
    );
    child.stdin?.end(input);
  });
}

const chainExists = (chain: string) => iptables(["-S", chain]);

/** DOCKER-USER when the engine manages iptables (it jumps there first from FORWARD), else FORWARD. */
const forwardParent = async () => ((await chainExists("DOCKER-USER")) ? "DOCKER-USER" : "FORWARD");

/** Writes the fence's chains and makes sure they are jumped to, first in their parent chains. */
export async function applyFence(fence: Fence): Promise<void> {
  await restore(fenceRestoreInput(fence));
  for (const [parent, chain] of fenceJumps(fence.name, await forwardParent())) {
    const jump = [parent, "-m", "comment", "--comment", FENCE_COMMENT, "-j", chain];
    if (await iptables(["-C", ...jump])) continue;
    if (!(await iptables(["-I", parent, "1", ...jump.slice(1)]))) throw new Error(`could not add the jump from ${parent} to ${chain}`);
  }
}

/** Whether the fence's jumps are all in place (a firewall reload or an engine restart may drop them). */
export async function fenceInstalled(name: string): Promise<boolean> {
  for (const [parent, chain] of fenceJumps(name, await forwardParent())) {
    if (!(await chainExists(chain))) return false;
    if (!(await iptables(["-C", parent, "-m", "comment", "--comment", FENCE_COMMENT, "-j", chain]))) return false;
  }
  return true;
}

/** Removes the fence's jumps and chains; what is already gone is fine. */
export async function removeFence(name: string): Promise<void> {
  const c = fenceChains(name);
  const ours = [];
  for (const chain of [c.forward, c.egress, c.input]) if (await chainExists(chain)) ours.push(chain);
  const parents = [];
  for (const parent of ["DOCKER-USER", "FORWARD", "INPUT"]) if (await chainExists(parent)) parents.push(parent);
  for (const parent of parents) {
    for (const chain of ours.filter((x) => x !== c.egress)) {
      for (let i = 0; i < 10 && (await iptables(["-D", parent, "-m", "comment", "--comment", FENCE_COMMENT, "-j", chain])); i++);
    }
  }
  for (const chain of ours) await iptables(["-F", chain]);
  for (const chain of ours) await iptables(["-X", chain]);
}
