// Each Berth process's environment, taken from its config schema: the keys that schema names and
// that are set (non-empty) in this program's environment, and nothing else. infra/services/berth.sh
// starts each process with `env -i` plus exactly these, so a documented setting always reaches its
// process and no process sees a setting (or a secret) that is not its own.
//   node --import tsx infra/lib/process-env.ts web          KEY=VALUE records, each ending in NUL
//   node --import tsx infra/lib/process-env.ts web worker   for each process: its name, then its records
import { pathToFileURL } from "node:url";
import { schema as runtimeHost } from "../../runtime-host/src/config.ts";
import { schema as web } from "../../web/src/env.ts";
import { schema as worker } from "../../worker/src/config.ts";
import { schema as router } from "../../worker/src/router/config.ts";

export const processSchemas = { web, worker, router, "runtime-host": runtimeHost };
export type ProcessName = keyof typeof processSchemas;
export const processNames = Object.keys(processSchemas) as ProcessName[];

export const isProcessName = (name: string): name is ProcessName => Object.hasOwn(processSchemas, name);

/** The settings a process reads: its schema's keys. */
export const settingsOf = (name: ProcessName): string[] => Object.keys(processSchemas[name].shape);

/** The schema's keys that `env` sets. An empty value counts as unset: zod would read "" as 0 or reject it. */
export function processEnv(name: ProcessName, env: Record<string, string | undefined>): [string, string][] {
  return settingsOf(name).flatMap((key): [string, string][] => {
    const value = env[key];
    return value ? [[key, value]] : [];
  });
}

function main(args: string[]): number {
  const unknown = args.filter((a) => !isProcessName(a));
  if (args.length === 0 || unknown.length > 0) {
    process.stderr.write(`usage: process-env.ts NAME... (NAME: ${processNames.join(", ")})${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}\n`);
    return 2;
  }
  // A KEY=VALUE record always holds "=", a process name never does: the reader tells them apart.
  const records = (args as ProcessName[]).flatMap((name) => [
    ...(args.length > 1 ? [name] : []),
    ...processEnv(name, process.env).map(([key, value]) => `${key}=${value}`),
  ]);
  process.stdout.write(records.map((r) => `${r}\0`).join(""));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = main(process.argv.slice(2));
