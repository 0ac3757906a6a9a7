// Zero-downtime roll-out of one release: start the new replicas → health-check each from its
// host (the app's check, else the image's HEALTHCHECK: control's readiness-check.ts) → point the app's hostnames at them (the router serves the new upstreams within
// ROUTE_SETTLE_MS) → let the old replicas finish what they were sent → stop and remove them.
// If anything fails before the switch, the new replicas are removed and the old ones keep serving.

import { DeployError } from "@berth/control/deployments/deploy-error";
import type { DeployLog } from "@berth/control/deployments/deploy-log";
import { setDeploymentStatus } from "@berth/control/deployments/set-deployment-status";
import { publishContainer } from "@berth/control/events/app-events";
import { type Candidate, placeOnOnlineHosts } from "@berth/control/hosts/place-replicas";
import { releaseConfigOf } from "@berth/control/releases/release-config";
import { readinessCheck } from "@berth/control/replicas/readiness-check";
import { type ContainerRef, removeContainers } from "@berth/control/replicas/remove-containers";
import { startReplica } from "@berth/control/replicas/start-replica";
import { appHostnames } from "@berth/control/routing/app-hostnames";
import { replicaName } from "@berth/core/apps";
import { deleteRoute, ROUTE_SETTLE_MS, setRoute } from "@berth/core/routes";
import type { Release } from "@berth/db";
import type { JobContext } from "../jobs/context.ts";
import { releaseImageDefaults } from "./release-image.ts";
import { replicaDeps } from "./replica-deps.ts";
import { checkAborted, sleep } from "./watch-deployment.ts";

export type RollOutInput = {
  deployment: { id: string; appId: string };
  app: { id: string; name: string; teamId: string; teamSlug: string };
  release: Release;
  log: DeployLog;
  signal: AbortSignal;
};

type Started = ContainerRef & { address: string; hostPort: number | null };

export async function rollOut(ctx: JobContext, input: RollOutInput): Promise<void> {
  const { app, release, log, signal, deployment } = input;
  const config = releaseConfigOf(release);
  const replicas = config.app.replicas;
  const memoryBytes = config.app.memoryMb * 1024 * 1024;
  let placement: Candidate[];
  try {
    placement = await placeOnOnlineHosts(ctx.db, ctx.config.BERTH_HOST_STALE_MS, replicas, memoryBytes);
  } catch (err) {
    throw new DeployError((err as Error).message);
  }
  const old = await ctx.db.container.findMany({ where: { appId: app.id, NOT: { name: { contains: `-${deployment.id.slice(0, 6)}-` } } } });
  await log.write(`Starting ${replicas} replica(s) of v${release.version} on ${[...new Set(placement.map((h) => h.id))].join(", ") || "no host"}`);

  const started: Started[] = [];
  try {
    await Promise.all(
      placement.map(async (host, i) => {
        const name = replicaName(app.teamSlug, app.name, release.version, deployment.id, i);
        const row = await ctx.db.container.create({
          data: { hostId: host.id, teamId: app.teamId, appId: app.id, releaseId: release.id, name, image: release.imageRef, state: "creating" },
        });
        await publishContainer(ctx, { appId: app.id, teamId: app.teamId }, row.id, "creating");
        const ref: Started = { id: row.id, hostId: host.id, name, address: host.address, hostPort: null, appId: app.id, teamId: app.teamId };
        started.push(ref);
        const result = await startReplica(replicaDeps(ctx), { rowId: row.id, name, host, app, release, signal });
        ref.hostPort = result.hostPort;
        await log.write(`  ${name} started on ${host.id} (${host.address}:${result.hostPort})`);
      }),
    );
    checkAborted(signal);

    if (replicas > 0) {
      await setDeploymentStatus(ctx, deployment, "health_checking");
      const readiness = readinessCheck(
        config.app.healthCheck,
        config.app.healthCheck ? null : ((await releaseImageDefaults(ctx, release))?.healthcheck ?? null),
      );
      await log.write(`Health check: ${readiness.description}`);
      await Promise.all(
        started.map(async (c) => {
          const r = await ctx.hosts.call(
            c.hostId,
            "containerProbe",
            { version: 1, name: c.name, check: readiness.check },
            { timeoutMs: readiness.timeoutMs, signal },
          );
          if (!r.ok) {
            await log.write(`  ${c.name}: unhealthy after ${r.attempts} tries: ${r.detail}`);
            if (r.logs.length > 0) await log.write(`  last lines of ${c.name}:`, ...r.logs.map((l) => `    ${l}`));
            const why = r.oomKilled ? "it was killed for using more memory than its limit" : r.detail;
            throw new DeployError(`health check failed on ${c.name}: ${why}${r.logs.length ? ` — last output: ${r.logs.slice(-3).join(" | ")}` : ""}`);
          }
          await log.write(`  ${c.name}: healthy (${r.detail})`);
        }),
      );
    }
    checkAborted(signal);
  } catch (err) {
    // Before the switch nothing serves from the new replicas: remove them, the old ones stay.
    await log.write(`Removing the new replica(s); the previous release keeps serving`);
    await removeContainers(ctx, started, { graceful: false });
    throw err;
  }

  // The switch: every hostname of the app now resolves to the new replicas.
  const hostnames = await appHostnames(ctx.db, { id: app.id, name: app.name, teamSlug: app.teamSlug }, ctx.config.BERTH_DOMAIN);
  const upstreams = started.filter((c) => c.hostPort).map((c) => ({ address: c.address, port: c.hostPort as number }));
  for (const hostname of hostnames) {
    if (upstreams.length > 0) await setRoute(ctx.redis, hostname, { appId: app.id, upstreams });
    else await deleteRoute(ctx.redis, hostname);
  }
  await sleep(ROUTE_SETTLE_MS);
  await log.write(upstreams.length > 0 ? `Switched ${hostnames.join(", ")} to v${release.version}` : `Scaled to 0: ${hostnames.join(", ")} no longer served`);
  await setDeploymentStatus(ctx, deployment, "live", { reason: null, releaseId: release.id });

  if (old.length > 0) {
    await log.write(`Stopping ${old.length} old replica(s) after ${ctx.config.BERTH_DRAIN_MS} ms`);
    await sleep(ctx.config.BERTH_DRAIN_MS);
    const problems = await removeContainers(ctx, old, { graceful: true });
    for (const p of problems) await log.write(`  could not remove ${p}`);
  }
  await log.write(`v${release.version} is live`);
}
