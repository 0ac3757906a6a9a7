// Builds through the real stack, in process: the build.run handler against Postgres, Redis,
// dockerd (classic builder) and Berth's registry. Each run makes its own team and app with
// Prisma and removes them, their log streams and their local images after.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { registryAuth } from "@berth/control/registry/registry-auth";
import { deployCancelKey, deployLogKey } from "@berth/core/apps";
import { createLogger } from "@berth/core/logger";
import { entryFields } from "@berth/core/logs";
import { LAST_WRITE_GRANT_KEY, READONLY_KEY } from "@berth/core/registry/grant";
import { createRegistryClient } from "@berth/core/registry/registry-client";
import { lazyTokenKeys } from "@berth/core/registry/token-keys";
import { createDb } from "@berth/db";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { stack } from "../../web/test/config.ts";
import { type BuildDeps, buildRun } from "../src/builds/run-build.ts";
import { loadConfig } from "../src/config.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const home = stack.home;
const workDir = await mkdtemp(join(tmpdir(), "berth-builds-"));
const buildDir = join(workDir, "contexts");
const config = loadConfig({
  BERTH_REGISTRY_TOKEN_KEY: join(home, "registry/token.key"),
  BERTH_REGISTRY_TOKEN_CERT: join(home, "registry/token.crt"),
  ...process.env,
  BERTH_BUILD_DIR: buildDir,
});
const registryHost = `127.0.0.1:${config.BERTH_REGISTRY_PORT}`;
const BASE = `${registryHost}/berth/busybox:1`;

const db = createDb(config.DATABASE_URL, { max: 4 });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
const tokenKeys = lazyTokenKeys(config.BERTH_REGISTRY_TOKEN_KEY, config.BERTH_REGISTRY_TOKEN_CERT);
const registry = createRegistryClient({ baseUrl: `http://${registryHost}`, service: config.BERTH_REGISTRY_SERVICE, keys: tokenKeys });
const ctx: BuildDeps = {
  db,
  redis,
  docker,
  tokenKeys,
  log: createLogger({ process: "test", level: "warn" }),
  attempt: { number: 1, final: true },
  config: { ...config, BERTH_BUILD_TIMEOUT_S: 120 },
};

const rand = () => randomBytes(4).toString("hex");
const team = `bt-${rand()}`;
// Another team, whose images happen to be on the same engine (as a deploy would leave them).
const other = `bo-${rand()}`;
const OTHER_PRIVATE = `${registryHost}/${other}/private:1`;
const OTHER_PUBLIC = `${registryHost}/${other}/pub:1`;
const OWN = `${registryHost}/${team}/base:1`;
const TRAP = `${registryHost}/${team}/trap:1`;
let appId = "";
const deployments: string[] = [];

before(async () => {
  await mkdir(buildDir, { recursive: true });
  const t = await db.team.create({ data: { slug: team, name: team } });
  appId = (await db.app.create({ data: { teamId: t.id, name: "web", sourceType: "git" } })).id;
  const o = await db.team.create({ data: { slug: other, name: other } });
  await db.imageRepository.createMany({
    data: [
      { teamId: o.id, name: "private", public: false },
      { teamId: o.id, name: "pub", public: true },
    ],
  });
  // Local tags of the base image: present on the engine, so only the check can stop a build using them.
  for (const ref of [OTHER_PRIVATE, OTHER_PUBLIC, OWN]) {
    const at = ref.lastIndexOf(":");
    await docker.getImage(BASE).tag({ repo: ref.slice(0, at), tag: ref.slice(at + 1) });
  }
  // Builds pull what they use from Berth's registry: the allowed ones are there too.
  for (const ref of [OTHER_PUBLIC, OWN]) await pushToBerth(ref);
});

/** Pushes a local image to Berth's registry (as its team would have). */
async function pushToBerth(ref: string): Promise<void> {
  const at = ref.lastIndexOf(":");
  const repo = ref.slice(registryHost.length + 1, at);
  const auth = registryAuth(tokenKeys(), { port: config.BERTH_REGISTRY_PORT, service: config.BERTH_REGISTRY_SERVICE }, repo, ["pull", "push"]);
  const stream = await docker.getImage(ref.slice(0, at)).push({ tag: ref.slice(at + 1), authconfig: auth });
  const out = await new Promise<{ error?: string }[]>((res, rej) => docker.modem.followProgress(stream, (err, messages) => (err ? rej(err) : res(messages))));
  const failed = out.find((m) => m.error);
  if (failed) throw new Error(`push of ${ref} failed: ${failed.error}`);
}

after(async () => {
  // Tags of the base image go by name (removing by id would remove the base image itself).
  for (const ref of [OTHER_PRIVATE, OTHER_PUBLIC, OWN, TRAP]) {
    await docker
      .getImage(ref)
      .remove()
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
  }
  await db.team.deleteMany({ where: { slug: other } });
  const images = await docker.listImages({ filters: { reference: [`${registryHost}/${team}/*`] } });
  for (const image of images) await docker.getImage(image.Id).remove({ force: true });
  await db.team.deleteMany({ where: { slug: team } });
  if (deployments.length) await redis.del(...deployments.flatMap((d) => [deployLogKey(d), deployCancelKey(d)]));
  await rm(workDir, { recursive: true, force: true });
  await db.$disconnect();
  redis.disconnect();
});

type Context = { dir: string } | { files: Record<string, string> };

/** A build row (+ its deployment) and its context tar where web would have put it. */
async function newBuild(context: Context, opts: { gzip?: boolean; status?: "queued" | "running" | "succeeded" | "cancelled" } = {}) {
  const build = await db.build.create({ data: { appId, source: "upload", status: opts.status ?? "queued" } });
  // "building" like a deployment waiting for its build (not queued: the reaper would queue it again).
  const deployment = await db.deployment.create({ data: { appId, kind: "build", buildId: build.id, status: "building" } });
  deployments.push(deployment.id);
  let dir: string;
  if ("dir" in context) dir = context.dir;
  else {
    dir = await mkdtemp(join(workDir, "src-"));
    for (const [name, text] of Object.entries(context.files)) await writeFile(join(dir, name), text);
  }
  const tarPath = join(buildDir, `${build.id}.tar`);
  await run("tar", ["-C", dir, opts.gzip ? "-czf" : "-cf", tarPath, "."]);
  return { payload: { version: 1 as const, buildId: build.id, deploymentId: deployment.id }, tarPath };
}

/** Builds straight through the engine (no Berth check), for images another build then starts FROM. */
async function engineBuild(tag: string, dockerfile: string): Promise<void> {
  const src = await mkdtemp(join(workDir, "engine-"));
  await writeFile(join(src, "Dockerfile"), dockerfile);
  await run("tar", ["-C", src, "-cf", join(src, "../engine.tar"), "."]);
  const stream = await docker.buildImage(createReadStream(join(src, "../engine.tar")), { t: tag, pull: false, rm: true });
  const out = await new Promise<{ error?: string }[]>((res, rej) => docker.modem.followProgress(stream, (err, messages) => (err ? rej(err) : res(messages))));
  const failed = out.find((m) => m.error);
  if (failed) throw new Error(`engine build of ${tag} failed: ${failed.error}`);
}

const row = (id: string) => db.build.findUniqueOrThrow({ where: { id } });
/** The text lines of the deployment's log (its build-end entry is not one). */
async function logLines(deploymentId: string): Promise<string[]> {
  const entries = await redis.xrange(deployLogKey(deploymentId), "-", "+");
  return entries.flatMap(([, fields]) => {
    const t = entryFields(fields).t;
    return t === undefined ? [] : [t];
  });
}

/** The build-end entries of the deployment's log: what the deploy job waits for. */
async function buildEnds(deploymentId: string): Promise<unknown[]> {
  const entries = await redis.xrange(deployLogKey(deploymentId), "-", "+");
  return entries.flatMap(([, fields]) => {
    const build = entryFields(fields).build;
    return build === undefined ? [] : [JSON.parse(build)];
  });
}

describe("build.run", () => {
  let firstDigest = "";

  it("builds examples/node-http from a gzipped context and pushes it to Berth's registry", async () => {
    const { payload, tarPath } = await newBuild({ dir: join(root, "examples/node-http") }, { gzip: true });
    await buildRun(payload, ctx);

    const b = await row(payload.buildId);
    assert.equal(b.status, "succeeded", b.error ?? "");
    const tag = `build-${payload.buildId.slice(0, 12)}`;
    assert.equal(b.imageRef, `${registryHost}/${team}/web:${tag}`);
    assert.match(b.digest ?? "", /^sha256:[a-f0-9]{64}$/);
    assert.ok(b.startedAt && b.finishedAt && b.finishedAt >= b.startedAt);
    const manifest = await registry.getManifest(`${team}/web`, tag);
    assert.equal(manifest?.digest, b.digest, "the registry serves the tag under the digest the build recorded");
    assert.equal(existsSync(tarPath), false, "the context is deleted");

    const lines = await logLines(payload.deploymentId);
    assert.match(lines[0] ?? "", /^Building bt-[a-f0-9]+\/web from an uploaded context \(\d+\.\d kB\)$/);
    assert.ok(lines.includes("Step 1/7 : FROM 127.0.0.1:5000/berth/node:20"), lines.join("\n"));
    assert.ok(
      lines.some((l) => l.startsWith("Pushing ")),
      "push progress is relayed",
    );
    assert.ok(!lines.some((l) => l.trim() === ""), "no empty lines");
    assert.ok(!lines.some((l) => /\[=*>?\s*\]/.test(l)), "no progress bars");
    assert.match(lines.at(-1) ?? "", new RegExp(`^Built and pushed ${b.imageRef}@${b.digest} in \\d+\\.\\d s$`));
    assert.deepEqual(await buildEnds(payload.deploymentId), [{ status: "succeeded", error: null }], "the build's end, once, after its lines");
    firstDigest = b.digest ?? "";
  });

  it("builds the same context again from the engine's layer cache", async () => {
    const { payload } = await newBuild({ dir: join(root, "examples/node-http") });
    await buildRun(payload, ctx);
    const b = await row(payload.buildId);
    assert.equal(b.status, "succeeded", b.error ?? "");
    const lines = await logLines(payload.deploymentId);
    const steps = lines.filter((l) => /^Step \d+\/\d+ : /.test(l)).length;
    assert.equal(steps, 7);
    assert.equal(lines.filter((l) => l.includes("Using cache")).length, steps - 1, "every step after FROM comes from the cache");
    assert.equal(b.digest, firstDigest, "the same image, so the same digest");
  });

  it("fails a build whose RUN step fails, naming the step, and keeps the step's output in the log", async () => {
    const { payload, tarPath } = await newBuild({ files: { Dockerfile: `FROM ${BASE}\nRUN true\nRUN echo about to fail && exit 3\n` } });
    await buildRun(payload, ctx);
    const b = await row(payload.buildId);
    assert.equal(b.status, "failed");
    assert.equal(
      b.error,
      "Step 3/3 : RUN echo about to fail && exit 3 failed: The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3",
    );
    assert.ok(b.finishedAt);
    assert.equal(existsSync(tarPath), false, "the context is deleted after a failure too");
    const lines = await logLines(payload.deploymentId);
    assert.ok(lines.includes("about to fail"), lines.join("\n"));
    assert.equal(lines.at(-1), `Build failed: ${b.error}`);
    assert.deepEqual(await buildEnds(payload.deploymentId), [{ status: "failed", error: b.error }]);
  });

  it("refuses a base image in a registry the outbound policy forbids before the build starts, naming the instruction", async () => {
    // Images of other registries are copied into Berth's first (builds-outside.int.test.ts); this one is at a private address no admin allowed.
    const image = `10.231.0.254:1/acme/base-${rand()}:1`;
    const { payload } = await newBuild({ files: { Dockerfile: `FROM ${image}\nRUN true\n` } });
    await buildRun(payload, ctx);
    const b = await row(payload.buildId);
    assert.equal(b.status, "failed");
    assert.match(b.error ?? "", new RegExp(`^FROM ${image.replaceAll(".", "\\.")}: refused: .*private address`));
    assert.ok(!(await logLines(payload.deploymentId)).some((l) => l.startsWith("Step ")), "the engine never started");
  });

  it("refuses a FROM of another team's private repository although the image is on the engine", async () => {
    assert.ok(await docker.getImage(OTHER_PRIVATE).inspect(), "the image is there: without the check, the build would use it");
    const { payload, tarPath } = await newBuild({ files: { Dockerfile: `FROM ${OTHER_PRIVATE}\nLABEL stolen=${rand()}\n` } });
    await buildRun(payload, ctx);
    const b = await row(payload.buildId);
    assert.equal(b.status, "failed");
    assert.equal(b.error, `FROM ${OTHER_PRIVATE}: your team may not use this image (it is private to another team, or does not exist)`);
    assert.equal(b.imageRef, null);
    assert.equal(existsSync(tarPath), false, "the context is deleted");
    const lines = await logLines(payload.deploymentId);
    assert.ok(!lines.some((l) => l.startsWith("Step ")), lines.join("\n"));
    assert.equal(lines.at(-1), `Build failed: ${b.error}`);
    assert.deepEqual(await buildEnds(payload.deploymentId), [{ status: "failed", error: b.error }]);
  });

  it("refuses the same image reached by COPY --from, from a gzipped context, written in lower case", async () => {
    const dockerfile = `from ${BASE} as base\ncopy --chown=0:0 \\\n  --from=${OTHER_PRIVATE} /bin/busybox /stolen\n`;
    const { payload } = await newBuild({ files: { Dockerfile: dockerfile } }, { gzip: true });
    await buildRun(payload, ctx);
    const b = await row(payload.buildId);
    assert.equal(b.status, "failed");
    assert.equal(b.error, `COPY --from=${OTHER_PRIVATE}: your team may not use this image (it is private to another team, or does not exist)`);
  });

  it("refuses a base image whose own ONBUILD trigger copies from another team's private image", async () => {
    // Any team can push such an image to its own repository; here the engine builds it directly.
    await engineBuild(TRAP, `FROM ${BASE}\nONBUILD COPY --from=${OTHER_PRIVATE} /bin/busybox /stolen\n`);
    await pushToBerth(TRAP);
    const { payload } = await newBuild({ files: { Dockerfile: `FROM ${TRAP}\nLABEL x=${rand()}\n` } });
    await buildRun(payload, ctx);
    const b = await row(payload.buildId);
    assert.equal(b.status, "failed");
    assert.equal(
      b.error,
      `FROM ${TRAP}: its ONBUILD trigger COPY --from=${OTHER_PRIVATE}: your team may not use this image (it is private to another team, or does not exist)`,
    );
  });

  it("builds FROM a public repository of another team, and FROM the team's own repository", async () => {
    for (const base of [OTHER_PUBLIC, OWN]) {
      const { payload } = await newBuild({ files: { Dockerfile: `FROM ${base}\nLABEL from=${rand()}\n` } });
      await buildRun(payload, ctx);
      const b = await row(payload.buildId);
      assert.equal(b.status, "succeeded", `FROM ${base}: ${b.error ?? ""}`);
      assert.ok((await logLines(payload.deploymentId)).includes(`Step 1/2 : FROM ${base}`));
    }
  });

  it("explains a missing Dockerfile and a Dockerfile syntax error", async () => {
    const missing = await newBuild({ files: { "index.html": "hi\n" } });
    await buildRun(missing.payload, ctx);
    assert.equal((await row(missing.payload.buildId)).error, "no Dockerfile at the root of the build context");

    const syntax = await newBuild({ files: { Dockerfile: `FROM ${BASE}\nRUNN true\n` } });
    await buildRun(syntax.payload, ctx);
    const b = await row(syntax.payload.buildId);
    assert.equal(b.status, "failed");
    assert.equal(b.error, "Dockerfile syntax error on line 2: unknown instruction: RUNN");
  });

  it("stops a running build within 5 s of a cancel request and removes its step container", async () => {
    const marker = `started-${rand()}`;
    const { payload, tarPath } = await newBuild({ files: { Dockerfile: `FROM ${BASE}\nRUN echo ${marker} && sleep 60\n` } });
    const running = buildRun(payload, ctx);
    for (let i = 0; i < 200 && !(await logLines(payload.deploymentId)).includes(marker); i++) await sleep(100);
    assert.ok((await logLines(payload.deploymentId)).includes(marker), "the slow step started");

    const asked = Date.now();
    await redis.set(deployCancelKey(payload.deploymentId), "1", "EX", 60);
    await running;
    assert.ok(Date.now() - asked < 5_000, `stopped after ${Date.now() - asked} ms`);

    const b = await row(payload.buildId);
    assert.equal(b.status, "cancelled");
    assert.equal(b.error, "cancelled by a user");
    assert.equal((await logLines(payload.deploymentId)).at(-1), "Build cancelled: cancelled by a user");
    assert.deepEqual(await buildEnds(payload.deploymentId), [{ status: "cancelled", error: "cancelled by a user" }]);
    const left = await docker.listContainers({ all: true });
    assert.deepEqual(
      left.filter((c) => c.Command.includes(marker)),
      [],
      "the engine no longer runs the step",
    );
    assert.equal(existsSync(tarPath), false);
  });

  it("fails a build that outlives its time limit", async () => {
    const { payload } = await newBuild({ files: { Dockerfile: `FROM ${BASE}\nRUN echo ${rand()} && sleep 60\n` } });
    const started = Date.now();
    await buildRun(payload, { ...ctx, config: { ...ctx.config, BERTH_BUILD_TIMEOUT_S: 2 } });
    assert.ok(Date.now() - started < 10_000);
    const b = await row(payload.buildId);
    assert.equal(b.status, "failed");
    assert.equal(b.error, "the build took longer than 2 s");
  });

  it("waits for a registry garbage collection to end before pushing", async () => {
    const { payload } = await newBuild({ files: { Dockerfile: `FROM ${BASE}\nLABEL test=${rand()}\n` } });
    const freeze = `builds-test-${rand()}`;
    await redis.set(READONLY_KEY, freeze, "EX", 30);
    try {
      const running = buildRun(payload, ctx);
      const waiting = "Waiting for registry garbage collection to finish before pushing";
      for (let i = 0; i < 100 && !(await logLines(payload.deploymentId)).includes(waiting); i++) await sleep(100);
      assert.ok((await logLines(payload.deploymentId)).includes(waiting), "the push waits");
      assert.equal((await row(payload.buildId)).status, "running");
      if ((await redis.get(READONLY_KEY)) === freeze) await redis.del(READONLY_KEY);
      await running;
    } finally {
      if ((await redis.get(READONLY_KEY)) === freeze) await redis.del(READONLY_KEY);
    }
    const b = await row(payload.buildId);
    assert.equal(b.status, "succeeded", b.error ?? "");
    assert.ok(Number(await redis.get(LAST_WRITE_GRANT_KEY)) >= (b.startedAt?.getTime() ?? Infinity), "the push is announced to the collector");
  });

  it("skips a build that is already running or finished (a re-delivered job never builds twice)", async () => {
    for (const status of ["running", "succeeded", "cancelled"] as const) {
      const { payload, tarPath } = await newBuild({ files: { Dockerfile: `FROM ${BASE}\n` } }, { status });
      const before = await row(payload.buildId);
      await buildRun(payload, ctx);
      assert.deepEqual(await row(payload.buildId), before, `a ${status} build is left alone`);
      assert.deepEqual(await logLines(payload.deploymentId), []);
      assert.deepEqual(await buildEnds(payload.deploymentId), [], "no second end for a build that ended before");
      if (status === "running") assert.ok(existsSync(tarPath), "a running build's context stays for whoever runs it");
      else assert.equal(existsSync(tarPath), false, `a ${status} build's context is removed`);
    }
  });

  it("hands a build back for a retry when the engine is unreachable, and fails it on the last attempt", async () => {
    const broken = { ...ctx, docker: new Docker({ socketPath: join(workDir, "no-engine.sock") }) };
    const { payload, tarPath } = await newBuild({ files: { Dockerfile: `FROM ${BASE}\n` } });

    await assert.rejects(buildRun(payload, { ...broken, attempt: { number: 1, final: false } }), /ENOENT|ECONNREFUSED/);
    const retry = await row(payload.buildId);
    assert.equal(retry.status, "queued");
    assert.equal(retry.startedAt, null);
    assert.ok(existsSync(tarPath), "the context is kept for the retry");
    assert.deepEqual(await buildEnds(payload.deploymentId), [], "a build handed back has not ended");

    await assert.rejects(buildRun(payload, { ...broken, attempt: { number: 2, final: true } }));
    const last = await row(payload.buildId);
    assert.equal(last.status, "failed");
    assert.match(last.error ?? "", /^internal error: /);
    assert.deepEqual(await buildEnds(payload.deploymentId), [{ status: "failed", error: last.error }]);
    assert.equal(existsSync(tarPath), false);
  });
});
