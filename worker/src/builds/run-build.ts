// The build.run job: builds an app's uploaded context into `<registry>/<team>/<app>:build-<id>`,
// pushes it, and records the outcome on the build row, then in the deployment's log (the build-end
// entry the deploy job waits for). A failed or cancelled build is data (the row says why) and the
// job succeeds; only infrastructure errors throw, so BullMQ retries them.
import { rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { appendBuildEnd, type DeployLog, deployLog } from "@berth/control/deployments/deploy-log";
import { setDeploymentStatus } from "@berth/control/deployments/set-deployment-status";
import { loadOutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { announceRegistryWrite } from "@berth/control/registry/announce-registry-write";
import { registryAuth } from "@berth/control/registry/registry-auth";
import type { JobPayload } from "@berth/core";
import { appRepository, deployCancelKey, redactUrl } from "@berth/core/apps";
import { berthRegistryAliases } from "@berth/core/image-ref";
import type { Redis } from "ioredis";
import type { Config } from "../config.ts";
import type { JobContext } from "../jobs/context.ts";
import { appRepositoryFetch } from "./app-repository-fetch.ts";
import { applyDockerignore } from "./apply-dockerignore.ts";
import { BuildFailure, MAX_ERROR_CHARS } from "./build-errors.ts";
import { buildImage } from "./build-image.ts";
import { ensureBuildNetwork } from "./build-network.ts";
import { loadBuildSettings } from "./build-settings.ts";
import { narrowContext } from "./context-subdirectory.ts";
import { fetchAddSources } from "./fetch-add-sources.ts";
import { fetchRepository, parseRepoSource } from "./fetch-repository.ts";
import { prepareBaseImages } from "./prepare-base-images.ts";
import type { RegistryAuth } from "./push-image.ts";

export type BuildDeps = Pick<JobContext, "db" | "redis" | "docker" | "tokenKeys" | "log" | "attempt"> & {
  config: Pick<
    Config,
    | "BERTH_BUILD_DIR"
    | "BERTH_BUILD_TIMEOUT_S"
    | "PATH"
    | "BERTH_REGISTRY_PORT"
    | "BERTH_REGISTRY_SERVICE"
    | "BERTH_ENCRYPTION_KEY"
    | "BERTH_PUBLIC_URL"
    | "BERTH_BUILD_NETWORK"
    | "BERTH_BUILD_EGRESS_ALLOW"
    | "BERTH_BUILD_MEMORY_MB"
    | "BERTH_BUILD_CPUS"
    | "BERTH_BUILD_PIDS"
    | "BERTH_REGISTRY_CACHE_DIR"
  >;
};

export async function buildRun(payload: JobPayload<"buildRun">, ctx: BuildDeps): Promise<void> {
  const row = await ctx.db.build.findUnique({ where: { id: payload.buildId }, include: { app: { include: { team: { select: { slug: true } } } } } });
  if (!row) return void ctx.log.warn({ buildId: payload.buildId }, "build not found (its app was deleted?); nothing to do");
  // Claiming the row is what makes a re-delivered job (after a crash) never build twice.
  const claimed = await ctx.db.build.updateMany({ where: { id: row.id, status: "queued" }, data: { status: "running", startedAt: new Date() } });
  const contextPath = join(resolve(ctx.config.BERTH_BUILD_DIR), `${row.id}.tar`);
  if (claimed.count === 0) {
    // A running build's context belongs to whoever runs it; a finished one's (e.g. cancelled before it started) is garbage.
    const now = await ctx.db.build.findUnique({ where: { id: row.id }, select: { status: true } });
    if (now && now.status !== "running" && now.status !== "queued") await rm(contextPath, { force: true });
    return void ctx.log.info({ buildId: row.id, status: now?.status }, "build is not queued; skipped");
  }

  const team = row.app.team.slug;
  const app = row.app.name;
  const registryHost = `127.0.0.1:${ctx.config.BERTH_REGISTRY_PORT}`;
  const repo = `${registryHost}/${appRepository(team, app)}`;
  const tag = `build-${row.id.slice(0, 12)}`;
  const log = deployLog(ctx.redis, row.appId, payload.deploymentId);
  const watch = watchCancel(ctx, payload.deploymentId);
  const started = Date.now();
  let keepContext = false;
  try {
    const fromRepo = parseRepoSource(row.source ?? "");
    if (fromRepo) {
      // The row holds the URL without credentials; the app's own URL (same but for them, unsealed) is what is
      // fetched, through the outbound policy (control/src/outbound) as it stands now.
      const { url, policy } = await appRepositoryFetch(ctx, row.appId, fromRepo.url);
      await log.write(`Fetching ${fromRepo.ref} from ${redactUrl(url)}`);
      const { sha } = await fetchRepository({
        url,
        ref: fromRepo.ref,
        dest: contextPath,
        workDir: resolve(ctx.config.BERTH_BUILD_DIR),
        path: ctx.config.PATH,
        signal: watch.signal,
        policy,
      });
      await log.write(`Fetched ${redactUrl(url)} ${fromRepo.ref} at ${sha}`);
    }
    const size = await stat(contextPath)
      .then((s) => s.size)
      .catch(() => null);
    if (size === null) throw new BuildFailure("the build context is missing: it was never uploaded, or already removed");
    await log.write(`Building ${team}/${app} from ${fromRepo ? "the fetched commit" : "an uploaded context"} (${formatSize(size)})`);
    const settings = await loadBuildSettings(ctx.db, { appId: row.appId, config: row.app.config, encryptionKey: ctx.config.BERTH_ENCRYPTION_KEY });
    const edit = { contextPath, path: ctx.config.PATH, signal: watch.signal };
    // Monorepos: a directory of the source is the context, as `docker build <dir>` would send it.
    if (settings.context) {
      const narrowed = await narrowContext(edit, settings.context);
      if (narrowed) await log.write(`Using ${narrowed.dir}/ as the build context (${narrowed.entries} entries)`);
    }
    // The engine does not apply .dockerignore (the docker CLI does, client side): done here for every source.
    const ignored = await applyDockerignore({ ...edit, dockerfile: settings.dockerfile });
    if (ignored > 0) await log.write(`Left out ${ignored} ${ignored === 1 ? "entry" : "entries"} of the context (.dockerignore)`);
    // ADD <url>: fetched here through the outbound policy and made a COPY (the engine would fetch past it).
    const outbound = await loadOutboundPolicy(ctx.db, { publicUrl: ctx.config.BERTH_PUBLIC_URL });
    await fetchAddSources({ ...edit, policy: outbound, log, dockerfile: settings.dockerfile });
    // With `pull: false` the engine uses whatever image it has: only those the team may pull are allowed
    // (FROM read with the build arguments, as the engine reads it), other registries' are copied into
    // Berth's, and each is pulled from Berth's registry.
    const dockerfile = await prepareBaseImages({
      db: ctx.db,
      docker: ctx.docker,
      context: edit,
      team: { id: row.app.teamId, slug: team },
      registry: { port: ctx.config.BERTH_REGISTRY_PORT, service: ctx.config.BERTH_REGISTRY_SERVICE },
      tokenKeys: ctx.tokenKeys,
      source: {
        db: ctx.db,
        encryptionKey: ctx.config.BERTH_ENCRYPTION_KEY,
        publicUrl: ctx.config.BERTH_PUBLIC_URL,
        registryCacheDir: ctx.config.BERTH_REGISTRY_CACHE_DIR,
      },
      target: {
        stored: berthRegistryAliases(ctx.config.BERTH_REGISTRY_PORT)[0],
        baseUrl: `http://127.0.0.1:${ctx.config.BERTH_REGISTRY_PORT}`,
        service: ctx.config.BERTH_REGISTRY_SERVICE,
        keys: ctx.tokenKeys,
      },
      log,
      buildArgs: settings.args,
      dockerfile: settings.dockerfile,
      beforeImport: () => announceRegistryWrite(ctx.redis, { signal: watch.signal, what: "copying images into it", note: (line) => log.write(line) }),
    });
    const network = await ensureBuildNetwork(ctx.docker, { name: ctx.config.BERTH_BUILD_NETWORK, allow: ctx.config.BERTH_BUILD_EGRESS_ALLOW });
    if (await ctx.redis.exists(deployCancelKey(payload.deploymentId))) throw new BuildFailure("cancelled by a user", "cancelled");
    const out = await buildImage({
      docker: ctx.docker,
      contextPath,
      repo,
      tag,
      // Called once the image is built: the deployment moves on to "pushing".
      registry: async (signal) => {
        await setDeploymentStatus({ db: ctx.db, publisher: ctx.redis }, { id: payload.deploymentId, appId: row.appId }, "pushing");
        return pushAuth(ctx, { repo: appRepository(team, app), log, signal });
      },
      log,
      signal: watch.signal,
      timeoutMs: ctx.config.BERTH_BUILD_TIMEOUT_S * 1000,
      network,
      limits: { memoryBytes: ctx.config.BERTH_BUILD_MEMORY_MB * 1024 ** 2, cpus: ctx.config.BERTH_BUILD_CPUS, pids: ctx.config.BERTH_BUILD_PIDS },
      buildArgs: settings.args,
      target: settings.target,
      dockerfile,
    });
    await ctx.db.build.update({ where: { id: row.id }, data: { status: "succeeded", imageRef: out.imageRef, digest: out.digest, finishedAt: new Date() } });
    await log.write(`Built and pushed ${out.imageRef}@${out.digest} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await appendBuildEnd(ctx.redis, payload.deploymentId, { status: "succeeded", error: null });
    ctx.log.info({ buildId: row.id, imageRef: out.imageRef, digest: out.digest, ms: Date.now() - started }, "build succeeded");
  } catch (e) {
    if (e instanceof BuildFailure) {
      await ctx.db.build.update({ where: { id: row.id }, data: { status: e.outcome, error: e.message, finishedAt: new Date() } });
      await log.write(`Build ${e.outcome}: ${e.message}`);
      await appendBuildEnd(ctx.redis, payload.deploymentId, { status: e.outcome, error: e.message });
      ctx.log.info({ buildId: row.id, outcome: e.outcome, reason: e.message }, "build did not succeed");
      return;
    }
    // The engine, Redis or Postgres failed us: hand the build back for the retry, or fail it on the last attempt.
    const message = e instanceof Error ? e.message : String(e);
    keepContext = !ctx.attempt.final;
    await ctx.db.build.update({
      where: { id: row.id },
      data: ctx.attempt.final
        ? { status: "failed", error: `internal error: ${message}`.slice(0, MAX_ERROR_CHARS), finishedAt: new Date() }
        : { status: "queued", startedAt: null },
    });
    await log.write(ctx.attempt.final ? `Build failed: internal error: ${message}` : `Build interrupted (${message}); it will be retried`);
    if (ctx.attempt.final)
      await appendBuildEnd(ctx.redis, payload.deploymentId, { status: "failed", error: `internal error: ${message}`.slice(0, MAX_ERROR_CHARS) });
    throw e;
  } finally {
    watch.stop();
    if (!keepContext) await rm(contextPath, { force: true });
  }
}

const formatSize = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** Aborts with a cancellation when web sets the deployment's cancel key; checked every 500 ms. */
function watchCancel(ctx: { redis: Redis; log: BuildDeps["log"] }, deploymentId: string) {
  const controller = new AbortController();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    try {
      if (await ctx.redis.exists(deployCancelKey(deploymentId))) controller.abort(new BuildFailure("cancelled by a user", "cancelled"));
    } catch (e) {
      // A Redis hiccup: the next tick asks again.
      ctx.log.warn({ err: e instanceof Error ? e.message : String(e) }, "could not check for a cancel request");
    } finally {
      busy = false;
    }
  }, 500);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

/** A push token for the app's repository, once writes are allowed. */
async function pushAuth(ctx: BuildDeps, opts: { repo: string; log: DeployLog; signal: AbortSignal }): Promise<RegistryAuth> {
  await announceRegistryWrite(ctx.redis, { signal: opts.signal, what: "pushing", note: (line) => opts.log.write(line) });
  return registryAuth(ctx.tokenKeys(), { port: ctx.config.BERTH_REGISTRY_PORT, service: ctx.config.BERTH_REGISTRY_SERVICE }, opts.repo, ["pull", "push"]);
}
