// The state of each dependency, for GET /api/health. web never talks to a Docker Engine itself:
// an engine is up when its runtime-host's latest heartbeat (which queried it) is fresh.
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";

export type Check = { ok: boolean; latencyMs: number; error?: string };
export type HostHealth = { id: string; ok: boolean; dockerVersion: string; lastHeartbeatAt: string; ageSeconds: number };
export type Health = {
  status: "ok" | "degraded";
  checks: { postgres: Check; redis: Check; registry: Check; caddy: Check; docker: Check & { hostsUp: number } };
  hosts: HostHealth[];
};

async function timed(probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  const start = performance.now();
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))]);
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - start), error: (err as Error).message };
  }
}

async function httpOk(url: string, accept: (status: number) => boolean) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.body?.cancel();
  if (!accept(res.status)) throw new Error(`HTTP ${res.status}`);
}

export async function checkHealth(deps: { db: Db; redis: Redis; registryUrl: string; caddyAdminUrl: string; hostStaleMs: number }): Promise<Health> {
  const [postgres, redis, registry, caddy, hostRows] = await Promise.all([
    timed(() => deps.db.$queryRaw`SELECT 1`),
    timed(async () => {
      if ((await deps.redis.ping()) !== "PONG") throw new Error("unexpected PING reply");
    }),
    // With token auth on, the registry answers 401 to an anonymous /v2/: that is alive.
    timed(() => httpOk(`${deps.registryUrl}/v2/`, (s) => s === 200 || s === 401)),
    timed(() => httpOk(`${deps.caddyAdminUrl}/config/apps/http/servers`, (s) => s === 200)),
    deps.db.host.findMany({ orderBy: { id: "asc" } }).catch(() => []),
  ]);
  const now = Date.now();
  const hosts = hostRows.map((h) => {
    const age = now - h.lastHeartbeatAt.getTime();
    return {
      id: h.id,
      ok: age <= deps.hostStaleMs,
      dockerVersion: h.dockerVersion,
      lastHeartbeatAt: h.lastHeartbeatAt.toISOString(),
      ageSeconds: Math.round(age / 1000),
    };
  });
  const hostsUp = hosts.filter((h) => h.ok).length;
  const docker = { ok: hostsUp > 0, latencyMs: 0, hostsUp, ...(hostsUp ? {} : { error: "no runtime-host has reported a working Docker Engine recently" }) };
  const checks = { postgres, redis, registry, caddy, docker };
  const status = Object.values(checks).every((c) => c.ok) ? "ok" : "degraded";
  return { status, checks, hosts };
}

/** This process's view of the stack, with the addresses from its configuration. */
export function stackHealth(
  deps: { db: Db; redis: Redis },
  e: { BERTH_REGISTRY_PORT: number; BERTH_CADDY_ADMIN_PORT: number; BERTH_HOST_STALE_MS: number },
): Promise<Health> {
  return checkHealth({
    ...deps,
    registryUrl: `http://127.0.0.1:${e.BERTH_REGISTRY_PORT}`,
    caddyAdminUrl: `http://127.0.0.1:${e.BERTH_CADDY_ADMIN_PORT}`,
    hostStaleMs: e.BERTH_HOST_STALE_MS,
  });
}
