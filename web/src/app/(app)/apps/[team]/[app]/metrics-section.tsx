"use client";
// The app's resource use: the last ten minutes from the API, then the samples the socket brings
// (room metrics:<appId>), for the whole app (sum over replicas) and for each container.
import { type ContainerStats, ROOMS } from "@berth/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { LineChart } from "@/components/line-chart";
import { ErrorNote } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { formatBytes, formatPercent, formatRate } from "@/lib/format";
import { appNow, appSeries, byContainer, mergeSamples, type Now, type Series } from "@/lib/metrics-series";
import { useSocket } from "@/lib/use-socket";
import type { SectionProps } from "./app-view";

const WINDOW_MIN = 10;
const WINDOW_MS = WINDOW_MIN * 60_000;
/** App-wide charts sum replicas over buckets this long (samples come about once a second). */
const BUCKET_MS = 5_000;
/** A container silent this long is gone (stopped, removed) and no longer counts in the app's numbers. */
const FRESH_MS = 30_000;
/** Redraws the time axis so the window moves even when no sample arrives. */
const CLOCK_MS = 5_000;

export function MetricsSection({ app }: SectionProps) {
  const [samples, setSamples] = useState<ContainerStats[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(() => Date.now());
  const held = useRef<ContainerStats[]>([]);

  const add = useCallback((incoming: readonly ContainerStats[]) => {
    held.current = mergeSamples(held.current, incoming, Date.now() - WINDOW_MS);
    setSamples(held.current);
    setNow(Date.now());
  }, []);

  const backfill = useCallback(async () => {
    try {
      const res = await api("getAppMetrics", { params: { team: app.team, app: app.name }, query: { minutes: WINDOW_MIN } });
      add(res.samples);
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setLoaded(true);
    }
  }, [app.team, app.name, add]);

  useEffect(() => {
    void backfill();
  }, [backfill]);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), CLOCK_MS);
    return () => clearInterval(t);
  }, []);

  useSocket(ROOMS.metrics(app.id), (socket, { onReconnect }) => {
    socket.on("container.stats", (e) => {
      if (e.appId === app.id) add(e.samples);
    });
    // Samples sent while the socket was away are in the stream: read the window again.
    onReconnect(() => void backfill());
  });

  const views = useMemo(() => byContainer(samples), [samples]);
  const total = useMemo(() => appSeries(views, BUCKET_MS), [views]);
  const totalNow = appNow(views, now, FRESH_MS);
  const live = views.filter((v) => now - v.lastAt <= FRESH_MS);
  const from = now - WINDOW_MS;

  return (
    <section aria-labelledby="metrics" className="space-y-4" data-testid="metrics-section">
      <div>
        <h2 id="metrics" className="text-lg font-semibold">
          Metrics
        </h2>
        <p className="text-sm text-slate-500">CPU, memory and network of the app's containers over the last {WINDOW_MIN} minutes, updated live.</p>
      </div>
      {error && <ErrorNote testId="metrics-error">{error}</ErrorNote>}
      {!loaded && <p className="text-sm text-slate-500">Loading…</p>}
      {loaded && views.length === 0 && (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500" data-testid="metrics-empty">
          No samples yet. They appear once the app has a running container.
        </p>
      )}
      {views.length > 0 && (
        <>
          <Panel
            title="Whole app"
            subtitle={`${live.length} running ${live.length === 1 ? "container" : "containers"}`}
            series={total}
            now={totalNow}
            from={from}
            to={now}
            testId="metrics-app"
          />
          <div className="space-y-4">
            {views.map((v) => (
              <Panel
                key={v.container}
                title={v.replica}
                subtitle={now - v.lastAt > FRESH_MS ? "no recent samples" : v.container}
                series={v.series}
                now={v.now}
                from={from}
                to={now}
                testId="metrics-container"
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

type PanelProps = { title: string; subtitle: string; series: Series; now: Now; from: number; to: number; testId: string };

function Panel({ title, subtitle, series, now, from, to, testId }: PanelProps) {
  const memShare = now.memoryLimit > 0 ? ` of ${formatBytes(now.memoryLimit)}` : "";
  return (
    <div className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId} data-name={title}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-mono text-sm font-medium">{title}</h3>
        <span className="font-mono text-xs text-slate-500">{subtitle}</span>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Metric label="CPU" value={formatPercent(now.cpu)} testId="metric-cpu" raw={now.cpu}>
          <LineChart label={`CPU of ${title}`} lines={[{ points: series.cpu, color: "#4f46e5", label: "CPU %" }]} from={from} to={to} />
        </Metric>
        <Metric label="Memory" value={`${formatBytes(now.memory)}${memShare}`} testId="metric-memory" raw={now.memory}>
          <LineChart
            label={`Memory of ${title}`}
            lines={[{ points: series.memory, color: "#059669", label: "memory" }]}
            max={now.memoryLimit > 0 ? now.memoryLimit : undefined}
            from={from}
            to={to}
          />
        </Metric>
        <Metric label="Network" value={`↓ ${formatRate(now.rx)} ↑ ${formatRate(now.tx)}`} testId="metric-network" raw={now.rx + now.tx}>
          <LineChart
            label={`Network of ${title}`}
            lines={[
              { points: series.rx, color: "#0284c7", label: "received" },
              { points: series.tx, color: "#d97706", label: "sent" },
            ]}
            from={from}
            to={to}
          />
        </Metric>
      </div>
    </div>
  );
}

function Metric({ label, value, testId, raw, children }: { label: string; value: string; testId: string; raw: number; children: React.ReactNode }) {
  return (
    <div className="space-y-1">
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium uppercase tracking-wide text-slate-500">{label}</span>
        <span className="font-mono tabular-nums text-slate-800" data-testid={testId} data-value={raw}>
          {value}
        </span>
      </div>
      {children}
    </div>
  );
}
