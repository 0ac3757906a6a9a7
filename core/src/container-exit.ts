// How a replica's last exit is told, the same in the app's log (worker), the CLI and the dashboard:
// "exited with code 137: killed: out of memory (limit 128 MiB)".

const MiB = 1024 * 1024;

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

export function exitText(c: { lastExitCode: number | null; oomKilled: boolean; memoryLimitMb: number | null }): string {
  const code = c.lastExitCode === null ? "exited" : `exited with code ${c.lastExitCode}`;
  if (!c.oomKilled) return code;
  return `${code}: killed: out of memory${c.memoryLimitMb ? ` (limit ${c.memoryLimitMb} MiB)` : ""}`;
}

export const memoryLimitMb = (bytes: bigint | number | null): number | null => (bytes ? Math.round(Number(bytes) / MiB) : null);

/** The containers listing's short form: "3 restarts, last exited with code 137: killed: …", or "" before any exit. */
export function crashSummary(c: {
  restartCount: number;
  lastExitCode: number | null;
  oomKilled: boolean;
  memoryLimitMb: number | null;
  lastExitAt: string | null;
}): string {
  if (!c.lastExitAt && c.restartCount === 0) return "";
  const restarts = `${c.restartCount} restart${c.restartCount === 1 ? "" : "s"}`;
  return c.lastExitAt ? `${restarts}, last ${exitText(c)}` : restarts;
}
