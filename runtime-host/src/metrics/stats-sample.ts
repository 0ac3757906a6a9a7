// One Engine API stats reading -> Berth's sample: CPU as a share of one CPU ×100 (the same formula
// as `docker stats`), memory without the reclaimable page cache (inactive_file on cgroup v2,
// total_inactive_file on v1), the container's memory limit, and bytes over all its networks.
import type { ContainerStats } from "@berth/core/logs";

type CpuStats = { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
export type EngineStats = {
  read?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
};

/** null for a reading of a stopped container (the engine sends zeros with a zero time). */
export function statsSample(s: EngineStats, container: { dockerId: string; name: string }): ContainerStats | null {
  const ms = s.read ? Date.parse(s.read) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) return null;
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  // The first reading has no previous one to compare with (precpu is empty): no CPU figure yet.
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 && (s.precpu_stats?.system_cpu_usage ?? 0) > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const mem = s.memory_stats ?? {};
  const cache = mem.stats?.inactive_file ?? mem.stats?.total_inactive_file ?? 0;
  const usage = mem.usage ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  return {
    ts: new Date(ms).toISOString(),
    container: container.dockerId.slice(0, 12),
    replica: container.name,
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes: Math.max(0, usage - (cache < usage ? cache : 0)),
    memoryLimitBytes: mem.limit ?? 0,
    rxBytes: rx,
    txBytes: tx,
  };
}
