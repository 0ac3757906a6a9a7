// Runs the real `berth` binary against the running stack, with a throwaway HOME and config.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { childEnv, stack } from "../../web/test/config.ts";

const BIN = join(import.meta.dirname, "../bin/berth.js");

/** Starts `berth args…`; `out` fills as it prints, `closed` resolves with its exit code. */
export function startBerth(
  scratch: string,
  args: string[],
  token: string,
): { child: ChildProcess; out: { stdout: string; stderr: string }; closed: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: scratch,
    env: { PATH: childEnv().PATH ?? "", HOME: scratch, BERTH_CONFIG: join(scratch, "config.json"), BERTH_URL: stack.webUrl, BERTH_TOKEN: token },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  child.stdout?.on("data", (d) => {
    out.stdout += d;
  });
  child.stderr?.on("data", (d) => {
    out.stderr += d;
  });
  const closed = once(child, "close").then(([code]) => code as number | null);
  return { child, out, closed };
}

export async function runBerth(scratch: string, args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { out, closed } = startBerth(scratch, args, token);
  const code = await closed;
  return { code, ...out };
}
