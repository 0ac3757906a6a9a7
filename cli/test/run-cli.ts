// Runs the real `berth` binary against the running stack, with a throwaway HOME and config.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { childEnv, stack } from "../../web/test/config.ts";

const BIN = join(import.meta.dirname, "../bin/berth.js");

export async function runBerth(scratch: string, args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: scratch,
    env: { PATH: childEnv().PATH ?? "", HOME: scratch, BERTH_CONFIG: join(scratch, "config.json"), BERTH_URL: stack.webUrl, BERTH_TOKEN: token },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}
