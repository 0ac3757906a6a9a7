// Runtime logs, container metrics and terminal sessions: the Redis keys, limits and message
// shapes that runtime-host (producer), worker (archiver), web (sockets, API) and the CLI share.
import { z } from "zod";

// ------------------------------------------------------------------ runtime logs
/**
 * An app's runtime log: one Redis stream per app, written by the runtime-hosts that run its
 * containers. Fields: `c` container (Docker id, first 12 hex), `r` replica (container name),
 * `s` stream (o = stdout, e = stderr, m = Berth's own marker), `ts` the engine's timestamp of the
 * line (ms since epoch), `t` text. The entry id is the line's cursor everywhere (socket, API, CLI).
 */
export const appLogKey = (appId: string) => `berth:app-log:${appId}`;
/** Approximate cap (XADD MAXLEN ~) of an app's stream; older lines are in Postgres (log_line). */
export const APP_LOG_MAX_LINES = 20_000;
/** The stream expires this long after its last line (Postgres keeps the history). */
export const APP_LOG_TTL_S = 7 * 86_400;
/** A line longer than this (UTF-8 bytes) is cut, with a marker saying how much was cut. */
export const LOG_LINE_MAX_BYTES = 8_192;
/** Per container: lines per second let through on average, and the burst above it. Excess is dropped with a marker. */
export const LOG_RATE = { linesPerSecond: 1_000, burst: 2_000 } as const;
/** How often a runtime-host flushes what its followers read (one XADD pipeline + one event per app). */
export const LOG_FLUSH_MS = 10;

export const LOG_STREAMS = ["stdout", "stderr", "system"] as const;
export type LogStream = (typeof LOG_STREAMS)[number];
/** Field `s` of a stream entry. */
export const LOG_STREAM_CODE: Record<LogStream, string> = { stdout: "o", stderr: "e", system: "m" };
export const logStreamOf = (code: string | undefined): LogStream => (code === "e" ? "stderr" : code === "m" ? "system" : "stdout");

/** A cursor: a Redis stream entry id, `<ms>-<seq>`. */
export const LOG_CURSOR = /^\d{1,20}-\d{1,20}$/;
export const logCursor = z.string().regex(LOG_CURSOR, "a line id like 1700000000000-0");
/** Orders two cursors (negative when a is older). */
export function compareCursors(a: string, b: string): number {
  const [am = "0", as = "0"] = a.split("-");
  const [bm = "0", bs = "0"] = b.split("-");
  const d = BigInt(am) - BigInt(bm);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const s = BigInt(as) - BigInt(bs);
  return s === 0n ? 0 : s < 0n ? -1 : 1;
}

/** One line of an app's runtime log, as the API, the socket and the CLI carry it. */
export const appLogLine = z.object({
  id: z.string(),
  /** When the container wrote it (the engine's timestamp). */
  ts: z.string().datetime(),
  /** Docker id (12 hex) of the container, and its name. */
  container: z.string(),
  replica: z.string(),
  stream: z.enum(LOG_STREAMS),
  /** Exactly what the container wrote (ANSI escapes included); secret values of the app replaced by `[redacted]`. */
  text: z.string(),
});
export type AppLogLine = z.infer<typeof appLogLine>;

/** A Redis stream entry's fields (name, value, name, value, …) by name. */
export function entryFields(fields: readonly string[]): Record<string, string> {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  return f;
}

/** An entry of an app's runtime log stream -> the line the API, the socket and the CLI carry. */
export function appLogLineOf(id: string, fields: readonly string[]): AppLogLine {
  const f = entryFields(fields);
  const ms = Number(f.ts ?? id.split("-")[0]);
  return { id, ts: new Date(Number.isFinite(ms) ? ms : 0).toISOString(), container: f.c ?? "", replica: f.r ?? "", stream: logStreamOf(f.s), text: f.t ?? "" };
}

/** Redaction: a secret value this short is not replaced (it would mangle ordinary output). */
export const REDACT_MIN_CHARS = 4;
export const REDACTED = "[redacted]";

/**
 * Archiving to Postgres (the worker): the set of stream keys with lines not archived yet, and a
 * hash key -> last archived cursor. Producers SADD their key after each write.
 */
export const LOG_ARCHIVE_SET = "berth:log-archive:pending";
export const LOG_ARCHIVE_CURSORS = "berth:log-archive:cursors";
/** Where a runtime-host's log followers stopped: hash docker id -> last engine timestamp (RFC 3339 nano). */
export const logFollowCursorKey = (hostId: string) => `berth:log-follow:${hostId}`;

// ------------------------------------------------------------------ metrics
/** One sample of one container, from the engine's stats (about every second). */
export const containerStats = z.object({
  ts: z.string().datetime(),
  container: z.string(),
  replica: z.string(),
  /** Share of one CPU ×100 (200 = two CPUs busy). */
  cpuPercent: z.number(),
  /** Memory in use without the page cache, and the container's limit. */
  memoryBytes: z.number(),
  memoryLimitBytes: z.number(),
  /** Totals since the container started, over all its networks. */
  rxBytes: z.number(),
  txBytes: z.number(),
});
export type ContainerStats = z.infer<typeof containerStats>;
/** An app's recent samples: a Redis stream (field `j` = JSON of containerStats), capped. */
export const appMetricsKey = (appId: string) => `berth:app-metrics:${appId}`;
/** About an hour of samples for five replicas. */
export const APP_METRICS_MAX_SAMPLES = 18_000;
export const APP_METRICS_TTL_S = 86_400;

// ------------------------------------------------------------------ terminals
/**
 * Terminal sessions travel between web and the container's runtime-host over Redis pub/sub:
 * web publishes `terminalOpen` on the host's channel (0 receivers = the host is offline), then
 * input on the session's `in` channel; the host answers on the session's `out` channel.
 */
export const terminalOpenChannel = (hostId: string) => `berth:terminal:open:${hostId}`;
export const terminalInChannel = (sessionId: string) => `berth:terminal:in:${sessionId}`;
export const terminalOutChannel = (sessionId: string) => `berth:terminal:out:${sessionId}`;
/** A session with no input and no ping for this long is closed by the host (web pings every 10 s). */
export const TERMINAL_IDLE_MS = 30_000;
export const TERMINAL_PING_MS = 10_000;

const cols = z.number().int().min(1).max(1_000);
const rows = z.number().int().min(1).max(1_000);

export const terminalOpen = z.object({
  version: z.literal(1),
  sessionId: z.string().uuid(),
  /** Docker container name on that host. */
  container: z.string().min(1).max(128),
  cmd: z.array(z.string().max(256)).min(1).max(16),
  cols,
  rows,
});
export const terminalIn = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().max(65_536) }),
  z.object({ type: z.literal("resize"), cols, rows }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("close") }),
]);
export const terminalOut = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  z.object({ type: z.literal("output"), data: z.string() }),
  /** The shell ended (exit code), or could not start / the session was closed (reason). */
  z.object({ type: z.literal("exit"), exitCode: z.number().int().nullable(), reason: z.string().nullable() }),
]);
export type TerminalOpen = z.infer<typeof terminalOpen>;
export type TerminalIn = z.infer<typeof terminalIn>;
export type TerminalOut = z.infer<typeof terminalOut>;
