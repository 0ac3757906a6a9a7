// Node's side of netns.sh: every call passes its values as separate arguments.
import { fileURLToPath } from "node:url";
import { mustRun } from "./processes.ts";

export const NETNS_SH = fileURLToPath(new URL("./netns.sh", import.meta.url));

export const netnsPath = (namespace: string) => `/var/run/netns/${namespace}`;

export function netns(args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return mustRun(["bash", NETNS_SH, ...args], { timeoutMs });
}
