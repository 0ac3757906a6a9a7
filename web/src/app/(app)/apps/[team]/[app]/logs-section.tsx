"use client";
// The app's runtime log: a live tail (socket) with a replica filter, pause and jump-to-live, and a
// search over the history (API) by text and time range, paged back with "Load older".
import { type AppLogLine, ROUTES, routePath } from "@berth/core";
import { type FormEvent, memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import { AnsiText } from "@/components/ansi-text";
import { ErrorNote, inputClass, primaryButton, secondaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { MAX_APP_LOG_LINES, useAppLog } from "@/lib/use-app-log";
import type { SectionProps } from "./app-view";

/** Lines per search page. */
const SEARCH_PAGE = 500;
/** How close to the end (px) still counts as "at the end": the view follows new lines only there. */
const AT_END_PX = 40;

type Search = { q?: string; since?: string; until?: string };
type Results = { lines: AppLogLine[]; more: boolean; loading: boolean; error?: string };

export function LogsSection({ app }: SectionProps) {
  const log = useAppLog({ team: app.team, app: app.name, appId: app.id });
  const [replica, setReplica] = useState("");
  const [paused, setPaused] = useState<{ lines: AppLogLine[]; received: number } | null>(null);
  const [search, setSearch] = useState<Search | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const [atEnd, setAtEnd] = useState(true);
  const atEndRef = useRef(true);

  // Replicas seen in the log, for the filter (a replica that printed nothing yet has nothing to show).
  const replicas = [...new Set(log.lines.map((l) => l.replica))].sort();
  if (replica && !replicas.includes(replica)) replicas.push(replica);

  const source = results ? results.lines : paused ? paused.lines : log.lines;
  const shown = replica && !results ? source.filter((l) => l.replica === replica) : source;
  const newWhilePaused = paused ? log.received - paused.received : 0;

  // Follow the end while the reader is there; someone reading further up is left alone.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the shown lines change
  useLayoutEffect(() => {
    const el = box.current;
    if (el && atEndRef.current && !results) el.scrollTop = el.scrollHeight;
  }, [shown.length, shown.at(-1)?.id]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      const end = el.scrollHeight - el.scrollTop - el.clientHeight < AT_END_PX;
      atEndRef.current = end;
      setAtEnd(end);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  const jumpToLive = () => {
    setPaused(null);
    setSearch(null);
    setResults(null);
    atEndRef.current = true;
    setAtEnd(true);
    // After React drew the live lines.
    requestAnimationFrame(() => {
      const el = box.current;
      if (el) el.scrollTop = el.scrollHeight;
    });
  };

  async function runSearch(s: Search, before?: string) {
    setResults((r) => ({ lines: before ? (r?.lines ?? []) : [], more: r?.more ?? false, loading: true }));
    try {
      const res = await api("listAppLogs", {
        params: { team: app.team, app: app.name },
        query: { ...s, container: replica || undefined, before, limit: SEARCH_PAGE },
      });
      // Older pages go in front; the newest lines beyond what the page keeps are let go.
      setResults((r) => ({ lines: (before ? [...res.lines, ...(r?.lines ?? [])] : res.lines).slice(0, MAX_APP_LOG_LINES), more: res.more, loading: false }));
      if (!before) {
        atEndRef.current = false;
        requestAnimationFrame(() => {
          const el = box.current;
          if (el) el.scrollTop = el.scrollHeight;
        });
      }
    } catch (err) {
      setResults((r) => ({ lines: r?.lines ?? [], more: r?.more ?? false, loading: false, error: describeError(err) }));
    }
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const q = String(form.get("q") ?? "").trim();
    const s: Search = { q: q || undefined, since: isoOf(form.get("since")), until: isoOf(form.get("until")) };
    setSearch(s);
    void runSearch(s);
  }

  const download = downloadHref(app.team, app.name, { ...(search ?? {}), container: replica || undefined });

  return (
    <section aria-labelledby="logs" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="logs" className="text-lg font-semibold">
            Logs
          </h2>
          <p className="text-sm text-slate-500">What the app's containers print, as they print it. stderr is marked red; Berth's own notes are amber.</p>
        </div>
        <LiveBadge connected={log.connected} loaded={log.loaded} paused={paused !== null} searching={results !== null} />
      </div>

      <div className="flex flex-wrap items-end gap-2">
        <label className="block">
          <span className="text-xs text-slate-600">Container</span>
          <select className={`${inputClass} mt-0 w-56 font-mono`} value={replica} onChange={(e) => setReplica(e.target.value)} data-testid="log-replica">
            <option value="">All containers</option>
            {replicas.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        {!results &&
          (paused ? (
            <button type="button" className={secondaryButton} onClick={() => setPaused(null)} data-testid="log-resume">
              Resume
            </button>
          ) : (
            <button type="button" className={secondaryButton} onClick={() => setPaused({ lines: log.lines, received: log.received })} data-testid="log-pause">
              Pause
            </button>
          ))}
        {(paused || results || !atEnd) && (
          <button type="button" className={primaryButton} onClick={jumpToLive} data-testid="log-jump-live">
            Jump to live
          </button>
        )}
        <a href={download} className={secondaryButton} data-testid="log-download" download>
          Download
        </a>
      </div>

      <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label="Search the log" data-testid="log-search">
        <label className="block">
          <span className="text-xs text-slate-600">Text</span>
          <input name="q" maxLength={200} placeholder="error, 500, user id…" className={`${inputClass} mt-0 w-56`} data-testid="log-search-text" />
        </label>
        <label className="block">
          <span className="text-xs text-slate-600">From</span>
          <input name="since" type="datetime-local" step={1} className={`${inputClass} mt-0`} data-testid="log-search-since" />
        </label>
        <label className="block">
          <span className="text-xs text-slate-600">To</span>
          <input name="until" type="datetime-local" step={1} className={`${inputClass} mt-0`} data-testid="log-search-until" />
        </label>
        <button type="submit" className={secondaryButton} disabled={results?.loading}>
          Search history
        </button>
      </form>

      {log.error && <ErrorNote testId="log-error">{log.error}</ErrorNote>}
      {results?.error && <ErrorNote testId="log-search-error">{results.error}</ErrorNote>}
      {paused && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="log-paused" aria-live="polite">
          Paused — {newWhilePaused.toLocaleString()} new {newWhilePaused === 1 ? "line" : "lines"}
        </p>
      )}
      {results && !results.loading && (
        <p className="text-sm text-slate-600" data-testid="log-search-summary">
          {results.lines.length.toLocaleString()} matching {results.lines.length === 1 ? "line" : "lines"} from the history
          {results.more ? " (older ones too)" : ""}.
        </p>
      )}

      <div
        ref={box}
        className="h-[36rem] overflow-auto rounded-lg bg-slate-900 px-3 py-2 font-mono text-xs leading-5 text-slate-100"
        data-testid="app-log"
        data-lines={shown.length}
        role="log"
        aria-live="off"
      >
        {results?.more && (
          <button
            type="button"
            className="mb-2 rounded border border-slate-600 px-2 py-0.5 text-slate-300 hover:bg-slate-800"
            disabled={results.loading}
            onClick={() => search && void runSearch(search, results.lines[0]?.id)}
            data-testid="log-load-older"
          >
            {results.loading ? "Loading…" : "Load older"}
          </button>
        )}
        {!results && log.dropped > 0 && (
          <p className="mb-1 text-slate-500" data-testid="app-log-truncated">
            Only the newest {MAX_APP_LOG_LINES.toLocaleString()} lines are kept here; search the history for older ones.
          </p>
        )}
        {!log.loaded && !results && <p className="text-slate-400">Connecting…</p>}
        {log.loaded && shown.length === 0 && !results?.loading && <p className="text-slate-400">{results ? "Nothing matches." : "No output yet."}</p>}
        {shown.map((l) => (
          <LogRow key={l.id} line={l} showReplica={!replica} />
        ))}
      </div>
    </section>
  );
}

const LogRow = memo(function LogRow({ line, showReplica }: { line: AppLogLine; showReplica: boolean }) {
  const tone =
    line.stream === "stderr"
      ? "border-red-500 bg-red-950/30"
      : line.stream === "system"
        ? "border-amber-400 bg-amber-950/30 italic text-amber-200"
        : "border-transparent";
  return (
    <div className={`flex gap-2 border-l-2 pl-2 ${tone}`} data-testid="app-log-line" data-id={line.id} data-stream={line.stream} data-replica={line.replica}>
      <time dateTime={line.ts} className="shrink-0 select-none text-slate-500" title={line.ts}>
        {timeOf(line.ts)}
      </time>
      {showReplica && (
        <span className="w-28 shrink-0 select-none truncate text-slate-400" title={`${line.replica} (${line.container})`}>
          {line.replica}
        </span>
      )}
      {line.stream === "stderr" && (
        <span className="shrink-0 select-none rounded bg-red-600 px-1 text-[10px] font-semibold uppercase text-white" data-testid="log-stderr-badge">
          err
        </span>
      )}
      {line.stream === "system" && (
        <span className="shrink-0 select-none rounded bg-amber-500 px-1 text-[10px] font-semibold uppercase text-slate-900">berth</span>
      )}
      <span className="min-w-0 whitespace-pre-wrap break-all" data-testid="app-log-text">
        <AnsiText text={line.text} />
      </span>
    </div>
  );
});

function LiveBadge({ connected, loaded, paused, searching }: { connected: boolean; loaded: boolean; paused: boolean; searching: boolean }) {
  const [label, tone] = searching
    ? ["history", "bg-slate-100 text-slate-600"]
    : paused
      ? ["paused", "bg-amber-100 text-amber-800"]
      : connected
        ? ["live", "bg-emerald-100 text-emerald-800"]
        : loaded
          ? ["reconnecting…", "bg-red-100 text-red-800"]
          : ["connecting…", "bg-slate-100 text-slate-600"];
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tone}`} data-testid="log-state" data-connected={connected}>
      {label}
    </span>
  );
}

const timeOf = (iso: string) => {
  const d = new Date(iso);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
};

/** A datetime-local value (the reader's local time) as an ISO instant; empty means no bound. */
function isoOf(v: FormDataEntryValue | null): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The download route with the same filters as the view (it streams every matching line as text). */
function downloadHref(team: string, app: string, f: Search & { container?: string }): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const qs = q.toString();
  return `${routePath(ROUTES.downloadAppLogs.path, { team, app })}${qs ? `?${qs}` : ""}`;
}
