// Redis stream entries -> log_line rows. Runtime lines carry c/r/s/ts/t (core/src/logs.ts);
// deploy and build lines only t, timed by their entry id. Entries without text (a deployment's
// build and end markers, core/src/apps.ts) are not lines: skipped, the rows keep those outcomes.
import { appLogKey, deployLogKey, entryFields, logStreamOf } from "@berth/core";

export type StreamOwner = { kind: "app"; appId: string } | { kind: "deploy"; deploymentId: string };

const APP_PREFIX = appLogKey("");
const DEPLOY_PREFIX = deployLogKey("");

/** Whose stream a key of LOG_ARCHIVE_SET is; null for a key Berth does not archive. */
export function streamOwner(key: string): StreamOwner | null {
  if (key.startsWith(APP_PREFIX) && key.length > APP_PREFIX.length) return { kind: "app", appId: key.slice(APP_PREFIX.length) };
  if (key.startsWith(DEPLOY_PREFIX) && key.length > DEPLOY_PREFIX.length) return { kind: "deploy", deploymentId: key.slice(DEPLOY_PREFIX.length) };
  return null;
}

export type LogRow = {
  appId: string;
  streamKey: string;
  deploymentId: string | null;
  ms: bigint;
  seq: number;
  container: string | null;
  replica: string | null;
  stream: string;
  at: Date;
  text: string;
};

export type StreamEntry = [id: string, fields: string[]];

export function toLogRows(streamKey: string, appId: string, deploymentId: string | null, entries: readonly StreamEntry[]): LogRow[] {
  const rows: LogRow[] = [];
  for (const [id, fields] of entries) {
    const [msText = "", seqText = ""] = id.split("-");
    if (!/^\d+$/.test(msText) || !/^\d+$/.test(seqText)) continue;
    const f = entryFields(fields);
    if (f.t === undefined) continue;
    const ms = BigInt(msText);
    const ts = Number(f.ts);
    const at = new Date(deploymentId === null && Number.isFinite(ts) && ts > 0 ? ts : Number(ms));
    rows.push({
      appId,
      streamKey,
      deploymentId,
      ms,
      seq: Number(seqText),
      container: f.c ?? null,
      replica: f.r ?? null,
      stream: deploymentId === null ? logStreamOf(f.s) : "stdout",
      at: Number.isNaN(at.getTime()) ? new Date(Number(ms)) : at,
      // Postgres text cannot hold NUL; anything else is kept exactly as written.
      text: f.t.replaceAll("\u0000", "\uFFFD"),
    });
  }
  return rows;
}
