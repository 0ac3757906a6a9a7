// Search filters over an app's runtime log, applied the same way to lines still in Redis (here,
// in memory) and to archived ones (archived-lines.ts, in SQL).
import type { AppLogLine, LogStream } from "@berth/core";

export type LogFilters = {
  /** Engine timestamps, inclusive. */
  since?: string;
  until?: string;
  /** Case-insensitive text. */
  q?: string;
  /** Docker id (12 hex) or container name. */
  container?: string;
  stream?: LogStream;
};

export const hasFilters = (f: LogFilters): boolean => Boolean(f.since || f.until || f.q || f.container || f.stream);

export function lineMatcher(f: LogFilters): (line: AppLogLine) => boolean {
  const since = f.since ? Date.parse(f.since) : undefined;
  const until = f.until ? Date.parse(f.until) : undefined;
  const q = f.q?.toLowerCase();
  return (line) => {
    const ts = Date.parse(line.ts);
    if (since !== undefined && ts < since) return false;
    if (until !== undefined && ts > until) return false;
    if (f.stream && line.stream !== f.stream) return false;
    if (f.container && line.container !== f.container && line.replica !== f.container) return false;
    if (q && !line.text.toLowerCase().includes(q)) return false;
    return true;
  };
}
