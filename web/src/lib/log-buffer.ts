// A deployment log as the browser keeps it: lines in arrival order, each id once, and only the
// newest `max` lines held (a build can print far more than a page should render).
export type LogLine = { id: string; ts: string; text: string };

export type LogBuffer = {
  lines: LogLine[];
  /** Lines received but no longer held, oldest first. */
  dropped: number;
  /** Ids already taken, so a line that arrives twice (history and socket, or a catch-up) is kept once. */
  seen: ReadonlySet<string>;
  /** The id of the newest line taken: the cursor for the next `?after=`. */
  lastId: string | undefined;
};

export const emptyLog = (): LogBuffer => ({ lines: [], dropped: 0, seen: new Set(), lastId: undefined });

/** Appends the lines not taken yet; returns the same buffer when nothing was new. */
export function appendLines(buf: LogBuffer, incoming: readonly LogLine[], max: number): LogBuffer {
  const fresh: LogLine[] = [];
  let seen: Set<string> | undefined;
  for (const line of incoming) {
    if (buf.seen.has(line.id) || seen?.has(line.id)) continue;
    seen ??= new Set(buf.seen);
    seen.add(line.id);
    // The text stays as written: the view renders its colours and drops other escapes (lib/ansi.ts).
    fresh.push(line);
  }
  if (!seen) return buf;
  const all = buf.lines.concat(fresh);
  const cut = Math.max(0, all.length - max);
  return { lines: cut > 0 ? all.slice(cut) : all, dropped: buf.dropped + cut, seen, lastId: fresh[fresh.length - 1]?.id ?? buf.lastId };
}
