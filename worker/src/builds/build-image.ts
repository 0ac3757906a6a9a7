// Builds an image from an uploaded context with the engine's classic builder (its layer cache is
// reused from build to build) and pushes it to Berth's registry. Output reaches the deployment's
// log line by line as the engine sends it. Aborting destroys the request: the engine cancels a
// build whose client went away, and we wait until its step container is really gone.
// Steps are tenants' code: they run on the fenced build network (build-network.ts), within memory,
// CPU, process (a cgroup parent of the build's own: build-cgroup.ts) and time limits, and a failure
// caused by a limit says so.
import { createReadStream } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { DeployLog } from "@berth/control/deployments/deploy-log";
import type Docker from "dockerode";
import { buildCgroup } from "./build-cgroup.ts";
import { BuildFailure, describeBuildFailure, engineAnswered, engineMessage, stepTracker } from "./build-errors.ts";
import { checkBuiltImageLabels } from "./check-labels.ts";
import { layerProgress, lineSplitter, readProgress } from "./json-stream.ts";
import { pushImage, type RegistryAuth } from "./push-image.ts";

export type BuildImageOptions = {
  docker: Docker;
  /** A tar of the context, gzipped or not (the engine takes both). */
  contextPath: string;
  /** `127.0.0.1:<port>/<team>/<app>` */
  repo: string;
  tag: string;
  /** Push credentials, asked for once the build is done (registry tokens are short-lived); may wait, until `signal` aborts. */
  registry: (signal: AbortSignal) => Promise<RegistryAuth>;
  log: DeployLog;
  /** Cancels the build; a BuildFailure given as the abort reason is what gets thrown. */
  signal: AbortSignal;
  timeoutMs: number;
  /** The network step containers join (the fenced build network). */
  network: string;
  limits: BuildLimits;
  /** The app's build arguments (not secret: the image history keeps them). */
  buildArgs?: Record<string, string>;
  /** The stage to build; the last one when unset. */
  target?: string;
  /** The Dockerfile's path in the context (the one the checks read); `Dockerfile` when unset. */
  dockerfile?: string;
};

export type BuildLimits = { memoryBytes: number; cpus: number; pids: number };

export const formatBytes = (n: number) => (n >= 1024 ** 3 && n % 1024 ** 3 === 0 ? `${n / 1024 ** 3} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);
export const formatDuration = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

export async function buildImage(opts: BuildImageOptions): Promise<{ imageRef: string; digest: string }> {
  // A timer of our own, not AbortSignal.timeout(): a timeout signal held only by AbortSignal.any()
  // can be garbage-collected before it fires (seen here: a build outlived its limit).
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, deadline.signal]);
  const cgroup = await buildCgroup({ id: opts.tag, pids: opts.limits.pids, memoryBytes: opts.limits.memoryBytes });
  try {
    let imageId: string;
    try {
      imageId = await build(opts, signal, cgroup.parent);
    } catch (e) {
      if (!(e instanceof BuildFailure) || signal.aborted) throw e;
      const hit = await cgroup.hits();
      if (hit.memory) throw new BuildFailure(`the build ran out of memory (limit ${formatBytes(opts.limits.memoryBytes)}): ${e.message}`);
      if (hit.pids) throw new BuildFailure(`the build reached its limit of ${opts.limits.pids} processes: ${e.message}`);
      throw e;
    }
    signal.throwIfAborted();
    await checkBuiltImageLabels(opts.docker, imageId);
    const auth = await opts.registry(signal);
    const digest = await pushImage({ docker: opts.docker, repo: opts.repo, tag: opts.tag, auth, log: opts.log, signal });
    return { imageRef: `${opts.repo}:${opts.tag}`, digest };
  } catch (e) {
    if (!signal.aborted) throw e;
    if (opts.signal.aborted) throw opts.signal.reason instanceof BuildFailure ? opts.signal.reason : new BuildFailure("build cancelled", "cancelled");
    throw new BuildFailure(`the build took longer than ${formatDuration(opts.timeoutMs)}`);
  } finally {
    clearTimeout(timer);
    // The build's outcome stands either way: a cgroup whose processes outlive the retries is swept by a
    // later build (build-cgroup.ts).
    await cgroup.remove().catch(() => {});
  }
}

async function build(opts: BuildImageOptions, signal: AbortSignal, cgroupParent: string): Promise<string> {
  const registryHost = opts.repo.slice(0, opts.repo.indexOf("/"));
  const context = createReadStream(opts.contextPath);
  const steps = stepTracker();
  let container: string | undefined;
  try {
    let res: NodeJS.ReadableStream;
    try {
      // `cgroupparent` is an Engine /build parameter that dockerode's types leave out.
      const options: Docker.ImageBuildOptions & { cgroupparent: string } = {
        t: `${opts.repo}:${opts.tag}`,
        rm: true,
        forcerm: true,
        pull: false,
        networkmode: opts.network,
        memory: opts.limits.memoryBytes,
        // No swap beyond the memory limit.
        memswap: opts.limits.memoryBytes,
        cpuperiod: 100_000,
        cpuquota: Math.round(opts.limits.cpus * 100_000),
        cgroupparent: cgroupParent,
        abortSignal: signal,
        ...(opts.buildArgs && Object.keys(opts.buildArgs).length > 0 ? { buildargs: opts.buildArgs } : {}),
        ...(opts.target ? { target: opts.target } : {}),
        ...(opts.dockerfile ? { dockerfile: opts.dockerfile } : {}),
      };
      res = await opts.docker.buildImage(context, options);
    } catch (e) {
      // The engine refused the context before the first step: no Dockerfile, a syntax error, not a tar.
      if (engineAnswered(e)) throw new BuildFailure(describeBuildFailure({ error: engineMessage(e), registryHost }));
      throw e;
    }

    const lines = lineSplitter();
    const layers = layerProgress();
    let imageId: string | undefined;
    let error: string | undefined;
    for await (const m of readProgress(res as AsyncIterable<Buffer>)) {
      const out = m.stream !== undefined ? lines.push(m.stream) : [];
      const status = layers(m);
      if (status) out.push(status);
      if (m.aux?.ID) imageId = m.aux.ID;
      if (m.error || m.errorDetail) {
        out.push(...lines.flush());
        error = m.errorDetail?.message ?? m.error ?? "unknown error";
      }
      for (const line of out) {
        steps.see(line);
        container = line.match(/^ ---> Running in ([0-9a-f]{12,64})$/)?.[1] ?? container;
      }
      await opts.log.write(...out);
    }
    await opts.log.write(...lines.flush());
    if (error) {
      const message = describeBuildFailure({ step: steps.current, error, registryHost });
      // The footer repeats the message; the engine's own words are kept when the message rephrases them.
      if (!message.includes(error)) await opts.log.write(error);
      throw new BuildFailure(message);
    }
    if (!imageId) throw new Error("the engine ended the build without reporting an image");
    return imageId;
  } catch (e) {
    if (signal.aborted && container) await untilGone(opts.docker, container);
    throw e;
  } finally {
    context.destroy();
  }
}

/** The engine removes the step container of a cancelled build itself; make sure, and force it if it lingers. */
async function untilGone(docker: Docker, id: string): Promise<void> {
  const c = docker.getContainer(id);
  for (let i = 0; i < 50; i++) {
    try {
      await c.inspect();
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return;
      throw e;
    }
    await sleep(200);
  }
  await c.remove({ force: true }).catch((e: { statusCode?: number }) => {
    if (e.statusCode !== 404) throw e;
  });
}
