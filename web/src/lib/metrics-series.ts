// Chart data from container stats samples: per container (CPU %, memory, network bytes/s from
// the deltas of the rx/tx totals) and for the whole app (the sum over its replicas). Samples of
// different containers are not taken at the same instants, so the app's series sums, per time
// bucket, each container's last value in that bucket.
import type { ContainerStats } from "@berth/core";

export type Point = { t: number; v: number };
export type Series = { cpu: Point[]; memory: Point[]; rx: Point[]; tx: Point[] };
export type Now = { cpu: number; memory: number; memoryLimit: number; rx: number; tx: number };
export type ContainerView = { container: string; replica: string; series: Series; now: Now; lastAt: number };

/** Samples kept in the page: ten minutes of one sample a second for 30 replicas. */
export const MAX_SAMPLES = 18_000;

/** Adds new samples to the ones held: each (container, time) once, none older than `since`, oldest first. */
export function mergeSamples(held: readonly ContainerStats[], incoming: readonly ContainerStats[], since: number): ContainerStats[] {
  const byKey = new Map<string, ContainerStats>();
  for (const s of held) if (Date.parse(s.ts) >= since) byKey.set(`${s.container}|${s.ts}`, s);
  for (const s of incoming) if (Date.parse(s.ts) >= since) byKey.set(`${s.container}|${s.ts}`, s);
  const all = [...byKey.values()].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  return all.length > MAX_SAMPLES ? all.slice(all.length - MAX_SAMPLES) : all;
}

/** One view per container, in order of replica name. */
export function byContainer(samples: readonly ContainerStats[]): ContainerView[] {
  const groups = new Map<string, ContainerStats[]>();
  for (const s of samples) {
    const g = groups.get(s.container);
    if (g) g.push(s);
    else groups.set(s.container, [s]);
  }
  const views: ContainerView[] = [];
  for (const [container, list] of groups) {
    list.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
    const series: Series = { cpu: [], memory: [], rx: [], tx: [] };
    let prev: ContainerStats | undefined;
    for (const s of list) {
      const t = Date.parse(s.ts);
      series.cpu.push({ t, v: s.cpuPercent });
      series.memory.push({ t, v: s.memoryBytes });
      if (prev) {
        const dt = (t - Date.parse(prev.ts)) / 1000;
        // A restart resets the totals: no rate across it.
        if (dt > 0 && s.rxBytes >= prev.rxBytes && s.txBytes >= prev.txBytes) {
          series.rx.push({ t, v: (s.rxBytes - prev.rxBytes) / dt });
          series.tx.push({ t, v: (s.txBytes - prev.txBytes) / dt });
        }
      }
      prev = s;
    }
    const last = list[list.length - 1] as ContainerStats;
    views.push({
      container,
      replica: last.replica,
      series,
      lastAt: Date.parse(last.ts),
      now: {
        cpu: last.cpuPercent,
        memory: last.memoryBytes,
        memoryLimit: last.memoryLimitBytes,
        rx: series.rx.at(-1)?.v ?? 0,
        tx: series.tx.at(-1)?.v ?? 0,
      },
    });
  }
  return views.sort((a, b) => a.replica.localeCompare(b.replica));
}

/** The app's series: per bucket, the sum over containers of their last value in it. */
export function appSeries(views: readonly ContainerView[], bucketMs: number): Series {
  const sum = (pick: (s: Series) => Point[]): Point[] => {
    const buckets = new Map<number, number>();
    for (const v of views) {
      const last = new Map<number, number>();
      for (const p of pick(v.series)) last.set(Math.floor(p.t / bucketMs), p.v);
      for (const [b, value] of last) buckets.set(b, (buckets.get(b) ?? 0) + value);
    }
    return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, v]) => ({ t: (b + 1) * bucketMs, v }));
  };
  return { cpu: sum((s) => s.cpu), memory: sum((s) => s.memory), rx: sum((s) => s.rx), tx: sum((s) => s.tx) };
}

/** The app's current values: the sum over containers heard from within `freshMs` (gone ones drop out). */
export function appNow(views: readonly ContainerView[], now: number, freshMs: number): Now {
  const total: Now = { cpu: 0, memory: 0, memoryLimit: 0, rx: 0, tx: 0 };
  for (const v of views) {
    if (now - v.lastAt > freshMs) continue;
    total.cpu += v.now.cpu;
    total.memory += v.now.memory;
    total.memoryLimit += v.now.memoryLimit;
    total.rx += v.now.rx;
    total.tx += v.now.tx;
  }
  return total;
}
