// Percentiles and timing helpers for benchmarks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function summary(samples: number[]): { n: number; min: number; p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, min: s[0] ?? Number.NaN, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN };
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** The pid of a Berth process itself (not its supervisor's): `<run dir>/<name>-child.pid` when it is supervised. */
export function processPid(runDir: string, name: string): number {
  for (const file of [`${name}-child.pid`, `${name}.pid`]) {
    const pid = Number(readFileSync(join(runDir, file), "utf8").trim() || Number.NaN);
    if (Number.isInteger(pid) && pid > 0) return pid;
  }
  throw new Error(`no pid file for ${name} in ${runDir}`);
}
