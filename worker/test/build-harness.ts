// What the in-process build tests share (dockerfiles.int.test.ts, builds-outside.int.test.ts): the
// build.run handler against the real Postgres, Redis, dockerd and Berth's registry, a directory built
// through Berth next to a raw `DOCKER_BUILDKIT=0 docker build` of the same directory, and what the
// comparison looks at. `close()` removes what the builds left.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { deployCancelKey, deployLogKey } from "@berth/core/apps";
import { createLogger } from "@berth/core/logger";
import { entryFields } from "@berth/core/logs";
import { lazyTokenKeys } from "@berth/core/registry/token-keys";
import { createDb } from "@berth/db";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { childEnv, stack } from "../../web/test/config.ts";
import { type BuildDeps, buildRun } from "../src/builds/run-build.ts";
import { loadConfig } from "../src/config.ts";

export const run = promisify(execFile);
export const rand = () => randomBytes(4).toString("hex");

export type BuildSettings = { args?: Record<string, string>; target?: string; context?: string; dockerfile?: string };
export type Outcome = { ok: true; image: string; log: string[] } | { ok: false; error: string; log: string[] };

export async function buildHarness(name: string) {
  const workDir = await mkdtemp(join(tmpdir(), `berth-${name}-`));
  const buildDir = join(workDir, "contexts");
  await mkdir(buildDir, { recursive: true });
  const config = loadConfig({
    BERTH_REGISTRY_TOKEN_KEY: join(stack.home, "registry/token.key"),
    BERTH_REGISTRY_TOKEN_CERT: join(stack.home, "registry/token.crt"),
    ...childEnv({ BERTH_BUILD_DIR: buildDir }),
  });
  const registryHost = `127.0.0.1:${config.BERTH_REGISTRY_PORT}`;
  const dockerEnv = { PATH: config.PATH, DOCKER_BUILDKIT: "0", DOCKER_HOST: `unix://${config.DOCKER_SOCKET}` };
  const db = createDb(config.DATABASE_URL, { max: 4 });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
  const ctx: BuildDeps = {
    db,
    redis,
    docker,
    tokenKeys: lazyTokenKeys(config.BERTH_REGISTRY_TOKEN_KEY, config.BERTH_REGISTRY_TOKEN_CERT),
    log: createLogger({ process: "test", level: "warn" }),
    attempt: { number: 1, final: true },
    config: { ...config, BERTH_BUILD_TIMEOUT_S: 120 },
  };
  /** Tags made on the engine (raw builds, images put there by a test): removed by close(). */
  const localTags: string[] = [];
  const deployments: string[] = [];

  async function writeDir(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(workDir, "src-"));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  async function logLines(deploymentId: string): Promise<string[]> {
    const entries = await redis.xrange(deployLogKey(deploymentId), "-", "+");
    return entries.flatMap(([, fields]) => {
      const t = entryFields(fields).t;
      return t === undefined ? [] : [t];
    });
  }

  /** The directory built through Berth for app `appId`, with its build settings as the API stores them. */
  async function berthBuild(appId: string, dir: string, settings: BuildSettings = {}): Promise<Outcome> {
    await db.app.update({ where: { id: appId }, data: { config: { build: settings } } });
    const build = await db.build.create({ data: { appId, source: "upload", status: "queued" } });
    const deployment = await db.deployment.create({ data: { appId, kind: "build", buildId: build.id, status: "building" } });
    deployments.push(deployment.id);
    await run("tar", ["-C", dir, "-cf", join(buildDir, `${build.id}.tar`), "."]);
    await buildRun({ version: 1, buildId: build.id, deploymentId: deployment.id }, ctx);
    const b = await db.build.findUniqueOrThrow({ where: { id: build.id } });
    const log = await logLines(deployment.id);
    return b.status === "succeeded" && b.imageRef ? { ok: true, image: b.imageRef, log } : { ok: false, error: b.error ?? b.status, log };
  }

  /** The same directory through the docker CLI's classic builder (`-f` and a context directory as the settings say). */
  async function rawBuild(dir: string, settings: BuildSettings = {}): Promise<Outcome> {
    const tag = `berth-test-raw/${name}-${rand()}:1`;
    const context = join(dir, settings.context ?? ".");
    const args = ["build", "-q", "--pull=false", "-t", tag];
    if (settings.dockerfile) args.push("-f", join(context, settings.dockerfile));
    for (const [k, v] of Object.entries(settings.args ?? {})) args.push("--build-arg", `${k}=${v}`);
    if (settings.target) args.push("--target", settings.target);
    try {
      await run("docker", [...args, context], { env: dockerEnv });
      localTags.push(tag);
      return { ok: true, image: tag, log: [] };
    } catch (e) {
      return { ok: false, error: String((e as { stderr?: string }).stderr ?? e), log: [] };
    }
  }

  /** What a built image holds that the comparison looks at: the named files, env and labels. */
  async function facts(image: string, files: string[]) {
    const info = await docker.getImage(image).inspect();
    const contents: Record<string, string> = {};
    for (const f of files) contents[f] = (await run("docker", ["run", "--rm", "--network", "none", image, "cat", f], { env: dockerEnv })).stdout;
    return { env: info.Config.Env, labels: info.Config.Labels ?? {}, files: contents };
  }

  /** Builds both ways and asserts the same outcome (and the same facts when both succeed); returns both. */
  async function compare(appId: string, files: Record<string, string>, settings: BuildSettings = {}, check: string[] = []) {
    const dir = await writeDir(files);
    const [berth, raw] = [await berthBuild(appId, dir, settings), await rawBuild(dir, settings)];
    assert.equal(berth.ok, raw.ok, `Berth: ${JSON.stringify(berth)}\ndocker: ${JSON.stringify(raw)}`);
    if (berth.ok && raw.ok) assert.deepEqual(await facts(berth.image, check), await facts(raw.image, check));
    return { berth, raw };
  }

  /** Removes the local tags, the images built for `teams` in Berth's registry, the deploy logs, the scratch directory. */
  async function close(teams: string[]) {
    for (const ref of localTags) {
      await docker
        .getImage(ref)
        .remove()
        .catch((e: { statusCode?: number }) => {
          if (e.statusCode !== 404) throw e;
        });
    }
    for (const team of teams) {
      const images = await docker.listImages({ filters: { reference: [`${registryHost}/${team}/*`, `${registryHost}/${team}/*/*/*/*`] } });
      for (const image of images)
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => {});
    }
    if (deployments.length) await redis.del(...deployments.flatMap((d) => [deployLogKey(d), deployCancelKey(d)]));
    await rm(workDir, { recursive: true, force: true });
    await db.$disconnect();
    redis.disconnect();
  }

  return { workDir, config, registryHost, dockerEnv, db, redis, docker, ctx, localTags, writeDir, berthBuild, rawBuild, facts, compare, close };
}
