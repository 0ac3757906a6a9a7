// A log line on the user's terminal: whatever a container printed must not be able to drive it.
// Colour (SGR: ESC [ … m) is kept when stdout is a terminal; every other escape sequence (cursor
// moves, screen clears, OSC titles and hyperlinks, DCS…) is removed; any control character left
// is shown escaped by sanitize().
import type { AppLogLine } from "@berth/core";
import { sanitize } from "../output.ts";

const SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this finds
  /\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\x9b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|\x9c)|\x1b[\x20-\x2f]*[\x30-\x7e]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: see above
const SGR = /^\x1b\[[0-9;:]*m$/;
const RESET = "\x1b[0m";

export function terminalSafe(text: string, colour: boolean): string {
  let out = "";
  let last = 0;
  let coloured = false;
  for (const m of text.matchAll(SEQUENCE)) {
    out += plain(text.slice(last, m.index));
    if (colour && SGR.test(m[0])) {
      out += m[0];
      coloured = true;
    }
    last = m.index + m[0].length;
  }
  out += plain(text.slice(last));
  // A line that leaves a colour on must not paint the next one.
  return coloured ? out + RESET : out;
}

/** Tabs only move the cursor right: kept. */
const plain = (text: string) => text.split("\t").map(sanitize).join("\t");

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `2026-11-23 20:05:01.123` in the user's time zone. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `<local time> <replica> <text>`; stderr lines marked `[stderr]`, Berth's own markers `[berth]`. */
export function formatLogLine(line: AppLogLine, colour: boolean): string {
  const mark = line.stream === "stderr" ? (colour ? "\x1b[31m[stderr]\x1b[0m " : "[stderr] ") : line.stream === "system" ? "[berth] " : "";
  return `${localTime(line.ts)} ${sanitize(line.replica || "-")} ${mark}${terminalSafe(line.text, colour)}`;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 10m` / `1h` / `2d` / `30s` (before now) or an ISO date -> an ISO timestamp; null when neither. */
export function parseTimeArg(text: string, now = Date.now()): string | null {
  const rel = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (rel) return new Date(now - Number(rel[1]) * (UNITS[rel[2] as string] as number)).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
