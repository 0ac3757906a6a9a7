// The `deploy.run` job: one deployment from queued to live, failed or cancelled.
//   build    → wait for the build job (builds queue) → release from the built image
//   image    → resolve the reference to a digest in Berth's registry (an outside image: copied into it) → release
//   rollback / config → the release given
// then roll out (roll-out.ts). Whatever happens, the deployment ends in a finished state, and
// a worker that dies mid-way leaves it to the reaper (reap-deployments.ts).

import { claimDeployment } from "@berth/control/deployments/claim-deployment";
import { DeployError } from "@berth/control/deployments/deploy-error";
import { appendBuildEnd, deployLog } from "@berth/control/deployments/deploy-log";
import { followDeployment } from "@berth/control/deployments/follow-deployment";
import { announceDeployment, setDeploymentStatus } from "@berth/control/deployments/set-deployment-status";
import { HostCallError } from "@berth/control/hosts/call-host";
import { hostsPlatform } from "@berth/control/hosts/hosts-platform";
import { announceRegistryWrite } from "@berth/control/registry/announce-registry-write";
import { createRelease, tagReleaseImage } from "@berth/control/releases/create-release";
import { isAppError, type JobPayload } from "@berth/core";
import { appRepository, workerAliveKey } from "@berth/core/apps";
import { berthRegistryAliases, formatImageRef, pinImageRef, requireImageRef } from "@berth/core/image-ref";
import type { Release } from "@berth/db";
import type { JobContext } from "../jobs/context.ts";
import { failOrphan } from "./reap-deployments.ts";
import { releaseImageDefaults } from "./release-image.ts";
import { resolveImage } from "./resolve-image.ts";
import { rollOut } from "./roll-out.ts";
import { checkAborted, watchDeployment } from "./watch-deployment.ts";

export async function deployRun(payload: JobPayload<"deployRun">, ctx: JobContext): Promise<void> {
  const timeoutMs = ctx.config.BERTH_DEPLOY_TIMEOUT_S * 1000;
  const claim = await claimDeployment(ctx.db, payload.deploymentId, ctx.ownerId, timeoutMs);
  if (claim.kind === "orphaned") {
    // BullMQ re-runs a job whose worker stopped renewing its lock; fail it unless that worker lives.
    if (claim.ownerId && (await ctx.redis.exists(workerAliveKey(claim.ownerId)))) return;
    return failOrphan(ctx, payload.deploymentId);
  }
  if (claim.kind === "superseded") {
    // Published after the claim's transaction committed, so a page that refetches sees the row.
    await announceDeployment(ctx, { id: payload.deploymentId, appId: claim.appId }, "superseded", claim.reason);
    return;
  }
  if (claim.kind === "skip") {
    ctx.log.info({ deploymentId: payload.deploymentId, why: claim.why }, "deployment not run");
    return;
  }

  const deployment = await ctx.db.deployment.findUniqueOrThrow({
    where: { id: payload.deploymentId },
    include: { app: { include: { team: { select: { slug: true } } } }, release: true, build: true },
  });
  const app = { id: deployment.app.id, name: deployment.app.name, teamId: deployment.app.teamId, teamSlug: deployment.app.team.slug };
  const ref = { id: deployment.id, appId: app.id };
  const log = deployLog(ctx.redis, app.id, deployment.id);
  await setDeploymentStatus(ctx, ref, deployment.kind === "build" ? "building" : "starting");
  const watch = watchDeployment(ctx, deployment.id, timeoutMs);
  const started = Date.now();
  try {
    await log.write(`Deployment ${deployment.id} (${deployment.kind}) of ${app.teamSlug}/${app.name} picked up by worker ${ctx.ownerId.slice(0, 8)}`);
    let release: Release;
    if (deployment.kind === "rollback" || deployment.kind === "config") {
      if (!deployment.release) throw new DeployError("the release to deploy no longer exists");
      release = deployment.release;
      await log.write(`Deploying release v${release.version} (${release.imageRef})`);
    } else {
      let imageRef: string;
      let digest: string;
      let platform: string | undefined;
      if (deployment.kind === "build") {
        if (!deployment.build) throw new DeployError("the build of this deployment no longer exists");
        const built = await waitForBuild(ctx, deployment.build.id, deployment.id, watch.signal);
        ({ imageRef, digest } = built);
      } else {
        if (!deployment.imageRef) throw new DeployError("no image to deploy");
        await log.write(`Resolving ${deployment.imageRef}`);
        ({ imageRef, digest, platform } = await resolveImage(ctx.registry, deployment.imageRef, berthRegistryAliases(ctx.config.BERTH_REGISTRY_PORT), {
          source: {
            db: ctx.db,
            encryptionKey: ctx.encryptionKey,
            publicUrl: ctx.config.BERTH_PUBLIC_URL,
            registryCacheDir: ctx.config.BERTH_REGISTRY_CACHE_DIR,
            log: ctx.log,
          },
          team: { id: app.teamId, slug: app.teamSlug },
          target: {
            stored: berthRegistryAliases(ctx.config.BERTH_REGISTRY_PORT)[0],
            baseUrl: `http://127.0.0.1:${ctx.config.BERTH_REGISTRY_PORT}`,
            service: ctx.config.BERTH_REGISTRY_SERVICE,
            keys: ctx.tokenKeys,
          },
          note: (line) => log.write(line),
          platform: () => hostsPlatform(ctx.db, ctx.config.BERTH_HOST_STALE_MS),
          beforeImport: () => announceRegistryWrite(ctx.redis, { signal: watch.signal, what: "copying the image into it", note: (line) => log.write(line) }),
        }));
      }
      checkAborted(watch.signal);
      // What the pinned image's own config says (for an index: the entry picked for the hosts).
      platform = (await releaseImageDefaults(ctx, { imageRef, digest }))?.platform ?? platform;
      release = await createRelease(ctx.db, { appId: app.id, imageRef, digest, platform, buildId: deployment.buildId, createdBy: deployment.createdBy });
      await tagReleaseImage(ctx.registry, appRepository(app.teamSlug, app.name), release);
      await ctx.db.deployment.update({ where: { id: deployment.id }, data: { releaseId: release.id } });
      await log.write(`Release v${release.version}: ${imageRef}${platform ? ` (${platform})` : ""}`);
    }
    await setDeploymentStatus(ctx, ref, "starting");
    await rollOut(ctx, { deployment: ref, app, release, log, signal: watch.signal });
    await log.write(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    const reason = watch.signal.aborted && watch.signal.reason instanceof DeployError ? watch.signal.reason : err;
    const outcome = reason instanceof DeployError ? reason.outcome : "failed";
    const message =
      reason instanceof DeployError
        ? reason.message
        : reason instanceof HostCallError
          ? `host ${reason.hostId}: ${reason.message}`
          : isAppError(reason)
            ? reason.message
            : `internal error: ${(reason as Error).message}`;
    if (!(reason instanceof DeployError) && !isAppError(reason)) ctx.log.error({ err, deploymentId: deployment.id }, "deployment failed unexpectedly");
    await log.write(`${outcome === "cancelled" ? "Cancelled" : "Failed"}: ${message}`).catch(() => undefined);
    await setDeploymentStatus(ctx, ref, outcome, { reason: message });
  } finally {
    watch.stop();
  }
}

/**
 * Queues the build on the builds queue (capped per engine) and waits for its end in the
 * deployment's log (a blocking read, not a poll of the build row).
 */
async function waitForBuild(ctx: JobContext, buildId: string, deploymentId: string, signal: AbortSignal): Promise<{ imageRef: string; digest: string }> {
  await ctx.enqueue("buildRun", { version: 1, buildId, deploymentId }, { jobId: buildId });
  // After a cancel or time-out: a queued build is cancelled here; a running one notices the same
  // Redis key and gets 10 s to say so.
  const giveUp = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const onAbort = () => {
    grace = setTimeout(() => giveUp.abort(), 10_000);
    cancelQueuedBuild(ctx, buildId, deploymentId).catch((err) => ctx.log.warn({ err, buildId }, "could not cancel the queued build"));
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const event of followDeployment(ctx, deploymentId, { until: "build", signal: giveUp.signal })) {
      if (event.kind === "end") {
        // Finished by someone else (the reaper) while this job waited.
        const why = event.end.reason ? `: ${event.end.reason}` : "";
        throw new DeployError(`the deployment ended ${event.end.status} while its build ran${why}`);
      }
      if (event.kind !== "build") continue;
      const { status, error } = event.build;
      if (status === "failed") throw new DeployError(`build failed: ${error ?? "unknown error"}`);
      if (status === "cancelled") throw new DeployError("build cancelled", "cancelled");
      const build = await ctx.db.build.findUniqueOrThrow({ where: { id: buildId } });
      if (!build.imageRef || !build.digest) throw new DeployError("the build finished without an image");
      return { imageRef: formatImageRef(pinImageRef(requireImageRef(build.imageRef), build.digest)), digest: build.digest };
    }
    // Only giving up ends the follow without an outcome.
    checkAborted(signal);
    throw new DeployError("stopped waiting for the build");
  } finally {
    clearTimeout(grace);
    signal.removeEventListener("abort", onAbort);
  }
}

async function cancelQueuedBuild(ctx: JobContext, buildId: string, deploymentId: string): Promise<void> {
  const error = "cancelled before it started";
  const { count } = await ctx.db.build.updateMany({ where: { id: buildId, status: "queued" }, data: { status: "cancelled", error, finishedAt: new Date() } });
  if (count > 0) await appendBuildEnd(ctx.redis, deploymentId, { status: "cancelled", error });
}
