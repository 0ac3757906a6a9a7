// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile substitutions (${VAR}) are the subject of these tests
// Dockerfiles through Berth next to a raw `DOCKER_BUILDKIT=0 docker build` of the same directory
// (the Engine's classic builder, which Berth drives): both succeed with the same files, env and
// labels, or both fail. Where Berth refuses what docker accepts, the test names the refusal and why.
// Builds run in process (the build.run handler against Postgres, Redis, dockerd and Berth's
// registry), from Berth's own base images only.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { deployCancelKey, deployLogKey } from "@berth/core/apps";
import { createLogger } from "@berth/core/logger";
import { lazyTokenKeys } from "@berth/core/registry/token-keys";
import { seal } from "@berth/core/secret-box";
import { createDb } from "@berth/db";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { call, signUp, teamWith } from "../../web/test/api.ts";
import { stack } from "../../web/test/config.ts";
import { deploymentLog, tarOf, uploadBuild, waitForDeployment } from "../../web/test/deploys.ts";
import { type BuildDeps, buildRun } from "../src/builds/run-build.ts";
import { loadConfig } from "../src/config.ts";

const run = promisify(execFile);
const home = stack.home;
const workDir = await mkdtemp(join(tmpdir(), "berth-dockerfiles-"));
const buildDir = join(workDir, "contexts");
const config = loadConfig({
  BERTH_REGISTRY_TOKEN_KEY: join(home, "registry/token.key"),
  BERTH_REGISTRY_TOKEN_CERT: join(home, "registry/token.crt"),
  ...process.env,
  BERTH_BUILD_DIR: buildDir,
});
const registryHost = `127.0.0.1:${config.BERTH_REGISTRY_PORT}`;
const BUSYBOX = `${registryHost}/berth/busybox:latest`;

const db = createDb(config.DATABASE_URL, { max: 4 });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
const tokenKeys = lazyTokenKeys(config.BERTH_REGISTRY_TOKEN_KEY, config.BERTH_REGISTRY_TOKEN_CERT);
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
const team = `df-${rand()}`;
const other = `dfo-${rand()}`;
// Another team's private image, present on the engine (as a deploy would leave it).
const OTHER_PRIVATE = `${registryHost}/${other}/private:1`;
const rawTags: string[] = [];
const deployments: string[] = [];
let appId = "";

before(async () => {
  await mkdir(buildDir, { recursive: true });
  const t = await db.team.create({ data: { slug: team, name: team } });
  appId = (await db.app.create({ data: { teamId: t.id, name: "web", sourceType: "git" } })).id;
  const o = await db.team.create({ data: { slug: other, name: other } });
  await db.imageRepository.create({ data: { teamId: o.id, name: "private", public: false } });
  await docker.getImage(BUSYBOX).tag({ repo: OTHER_PRIVATE.slice(0, OTHER_PRIVATE.lastIndexOf(":")), tag: "1" });
});

after(async () => {
  for (const ref of [OTHER_PRIVATE, ...rawTags]) {
    await docker
      .getImage(ref)
      .remove()
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
  }
  const images = await docker.listImages({ filters: { reference: [`${registryHost}/${team}/*`] } });
  for (const image of images) await docker.getImage(image.Id).remove({ force: true });
  await db.team.deleteMany({ where: { slug: { in: [team, other] } } });
  if (deployments.length) await redis.del(...deployments.flatMap((d) => [deployLogKey(d), deployCancelKey(d)]));
  await rm(workDir, { recursive: true, force: true });
  await db.$disconnect();
  redis.disconnect();
});

type BuildSettings = { args?: Record<string, string>; target?: string; dockerfile?: string };
type Outcome = { ok: true; image: string } | { ok: false; error: string };

async function writeDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(workDir, "src-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** The directory built through Berth (the app's build settings set as the API stores them). */
async function berthBuild(dir: string, settings: BuildSettings = {}): Promise<Outcome> {
  await db.app.update({ where: { id: appId }, data: { config: { build: settings } } });
  const build = await db.build.create({ data: { appId, source: "upload", status: "queued" } });
  const deployment = await db.deployment.create({ data: { appId, kind: "build", buildId: build.id, status: "building" } });
  deployments.push(deployment.id);
  await run("tar", ["-C", dir, "-cf", join(buildDir, `${build.id}.tar`), "."]);
  await buildRun({ version: 1, buildId: build.id, deploymentId: deployment.id }, ctx);
  const b = await db.build.findUniqueOrThrow({ where: { id: build.id } });
  return b.status === "succeeded" && b.imageRef ? { ok: true, image: b.imageRef } : { ok: false, error: b.error ?? b.status };
}

/** The same directory through the docker CLI with the classic builder. */
async function rawBuild(dir: string, settings: BuildSettings = {}): Promise<Outcome> {
  const tag = `berth-test-raw/df-${rand()}:1`;
  const args = ["build", "-q", "--pull=false", "-t", tag];
  for (const [k, v] of Object.entries(settings.args ?? {})) args.push("--build-arg", `${k}=${v}`);
  if (settings.target) args.push("--target", settings.target);
  if (settings.dockerfile) args.push("-f", join(dir, settings.dockerfile));
  try {
    await run("docker", [...args, dir], { env: { PATH: config.PATH, DOCKER_BUILDKIT: "0", DOCKER_HOST: `unix://${config.DOCKER_SOCKET}` } });
    rawTags.push(tag);
    return { ok: true, image: tag };
  } catch (e) {
    return { ok: false, error: String((e as { stderr?: string }).stderr ?? e) };
  }
}

/** What a built image holds that the comparison looks at: the named files, env and labels. */
async function facts(image: string, files: string[]) {
  const info = await docker.getImage(image).inspect();
  const contents: Record<string, string> = {};
  for (const f of files) {
    const { stdout } = await run("docker", ["run", "--rm", "--network", "none", image, "cat", f], {
      env: { PATH: config.PATH, DOCKER_HOST: `unix://${config.DOCKER_SOCKET}` },
    });
    contents[f] = stdout;
  }
  return { env: info.Config.Env, labels: info.Config.Labels ?? {}, files: contents };
}

/** Builds both ways and asserts the same outcome; returns both for further checks. */
async function compare(files: Record<string, string>, settings: BuildSettings = {}, check: string[] = []) {
  const dir = await writeDir(files);
  const [berth, raw] = [await berthBuild(dir, settings), await rawBuild(dir, settings)];
  assert.equal(berth.ok, raw.ok, `Berth: ${JSON.stringify(berth)}\ndocker: ${JSON.stringify(raw)}`);
  if (berth.ok && raw.ok) assert.deepEqual(await facts(berth.image, check), await facts(raw.image, check));
  return { berth, raw };
}

describe("Dockerfiles: Berth next to docker build (classic builder)", () => {
  it("ARG before FROM: the default", async () => {
    const { berth } = await compare(
      { Dockerfile: `ARG BASE=${BUSYBOX}\nFROM \${BASE}\nARG GREETING=hi\nRUN echo "$GREETING" > /greeting\nLABEL made.by=arg-default\n` },
      {},
      ["/greeting"],
    );
    assert.ok(berth.ok);
  });

  it("ARG before FROM: overridden by the app's build argument (${VAR:-default} and $VAR forms)", async () => {
    const files = {
      Dockerfile: `ARG REG=${registryHost}/no-such\nARG BASE=$REG/image:1\nFROM \${BASE:-nothing}\nARG GREETING=hi\nRUN echo "$GREETING" > /greeting\n`,
    };
    const { berth } = await compare(files, { args: { BASE: BUSYBOX, GREETING: "hello" } }, ["/greeting"]);
    assert.ok(berth.ok, "the override names an image that exists");
  });

  it("an unset ARG in FROM fails both ways, with docker's words", async () => {
    const { berth, raw } = await compare({ Dockerfile: "ARG BASE\nFROM ${BASE}\n" });
    assert.ok(!berth.ok && !raw.ok);
    assert.match(berth.error, /base name \(\$\{BASE\}\) should not be blank/);
    assert.match(raw.error, /base name \(\$\{BASE\}\) should not be blank/);
  });

  it("a substitution the builder does not know fails both ways", async () => {
    const { berth, raw } = await compare({ Dockerfile: `ARG BASE=${BUSYBOX}\nFROM \${BASE-x}\n` });
    assert.ok(!berth.ok && !raw.ok);
    assert.match(berth.error, /missing ':' in substitution/);
  });

  it("named multi-stage with COPY --from=<stage>, FROM <stage> and a target stage", async () => {
    const files = {
      Dockerfile: [
        `ARG BASE=${BUSYBOX}`,
        "FROM ${BASE} AS build",
        "RUN echo built > /artifact",
        "FROM build AS tested",
        "RUN test -f /artifact && echo tested > /tested",
        "FROM ${BASE} AS final",
        "COPY --from=build /artifact /app/artifact",
        "COPY --from=tested /tested /app/tested",
        "ENV MODE=final",
        "LABEL stage=final",
        "FROM ${BASE} AS broken",
        "RUN exit 7",
        "",
      ].join("\n"),
    };
    const { berth } = await compare(files, { target: "final" }, ["/app/artifact", "/app/tested"]);
    assert.ok(berth.ok, "the stage after the target is not built");
    // Without the target the last stage runs, and fails both ways.
    const whole = await compare(files);
    assert.ok(!whole.berth.ok);
    assert.match(whole.berth.error, /RUN exit 7/);
  });

  it(".dockerignore with exceptions: the same files reach the image as with the docker CLI", async () => {
    const files = {
      Dockerfile: `FROM ${BUSYBOX}\nCOPY . /ctx/\nRUN cd /ctx && find . | sort > /listing\n`,
      ".dockerignore": "# build output, except one file\nbuild\n!build/keep.txt\n**/*.log\nsecret.env\nDockerfile\n",
      "app.js": "1\n",
      "secret.env": "TOKEN=x\n",
      "build/a.o": "o\n",
      "build/keep.txt": "k\n",
      "src/debug.log": "l\n",
      "src/main.js": "m\n",
    };
    const { berth } = await compare(files, {}, ["/listing"]);
    assert.ok(berth.ok);
    const listing = (await facts(berth.image, ["/listing"])).files["/listing"] ?? "";
    assert.ok(listing.includes("./build/keep.txt"), "an exception brings a file back");
    assert.ok(!listing.includes("a.o") && !listing.includes("secret.env") && !listing.includes(".log"), listing);
    // Both are sent (the builder needs them); the engine itself then drops from the context those the .dockerignore names.
    assert.ok(!listing.includes("./Dockerfile") && listing.includes("./.dockerignore"), listing);
  });

  it("a Dockerfile path: read there (no lowercase fallback), always sent although .dockerignore leaves its directory out", async () => {
    const files = {
      "docker/Dockerfile.prod": `FROM ${BUSYBOX}\nCOPY . /ctx/\nRUN cd /ctx && find . | sort > /listing\n`,
      "docker/notes.txt": "n\n",
      Dockerfile: `FROM ${BUSYBOX}\nRUN exit 5\n`,
      "app.js": "1\n",
      ".dockerignore": "docker\n",
    };
    const { berth } = await compare(files, { dockerfile: "docker/Dockerfile.prod" }, ["/listing"]);
    assert.ok(berth.ok);
    const listing = (await facts(berth.image, ["/listing"])).files["/listing"] ?? "";
    assert.ok(listing.includes("./app.js") && !listing.includes("notes.txt"), listing);
    // A name that differs only in case is not the file, both ways.
    const lower = await compare({ "docker/dockerfile.prod": `FROM ${BUSYBOX}\n` }, { dockerfile: "docker/Dockerfile.prod" });
    assert.ok(!lower.berth.ok);
    assert.equal(lower.berth.error, "no Dockerfile at docker/Dockerfile.prod in the build context");
  });

  it("BuildKit-only syntax: docker's classic builder fails, Berth refuses first naming the feature", async () => {
    const cases: [string, string][] = [
      ["RUN --mount=type=cache,target=/c true", "RUN --mount"],
      ["RUN --network=none true", "RUN --network"],
      ["RUN --security=insecure true", "RUN --security"],
      ["COPY --link f /f", "COPY --link"],
      ["COPY --parents f /d/", "COPY --parents"],
      ["COPY --chmod=755 f /f", "COPY --chmod"],
      ["ADD --chmod=755 f /f", "ADD --chmod"],
      ["ADD --checksum=sha256:0000 f /f", "ADD --checksum"],
      ["RUN <<EOF\necho hi > /f\nEOF", "a heredoc (<<EOF) in RUN"],
      ["COPY <<EOF /f\nhi\nEOF", "a heredoc (<<EOF) in COPY"],
    ];
    for (const [step, feature] of cases) {
      const { berth, raw } = await compare({ Dockerfile: `FROM ${BUSYBOX}\n${step}\n`, f: "x\n" });
      assert.ok(!raw.ok, `docker's classic builder refuses ${feature}`);
      assert.deepEqual(berth, { ok: false, error: `line 2: ${feature} needs BuildKit, which Berth's builder does not run yet` });
    }
  });

  it("a # syntax= directive: the classic builder ignores it, and so does Berth", async () => {
    await compare({ Dockerfile: `# syntax=docker/dockerfile:1\nFROM ${BUSYBOX}\nCOPY --chown=1:1 f /f\n`, f: "x\n" }, {}, ["/f"]);
  });

  it("refused by Berth although docker builds it: a build argument naming another team's private image", async () => {
    // Docker uses the image because it is on this engine; Berth's base-image check evaluates the
    // argument as the builder does, so the image cannot be smuggled in through it.
    const dir = await writeDir({ Dockerfile: `ARG BASE=${BUSYBOX}\nFROM \${BASE}\nRUN true\n` });
    const berth = await berthBuild(dir, { args: { BASE: OTHER_PRIVATE } });
    const raw = await rawBuild(dir, { args: { BASE: OTHER_PRIVATE } });
    assert.ok(raw.ok, "docker builds it");
    assert.deepEqual(berth, {
      ok: false,
      error: `FROM \${BASE} (${OTHER_PRIVATE}): your team may not use this image (it is private to another team, or does not exist)`,
    });
  });

  it("refused by Berth: a secret env var as a build argument (by name or by value); build arguments stay in the image history", async () => {
    const dir = await writeDir({ Dockerfile: `FROM ${BUSYBOX}\nARG TOKEN\nRUN echo "$TOKEN" > /token\n` });
    const value = `s3cr3t-${rand()}`;
    await db.envVar.create({ data: { appId, key: "API_TOKEN", value: seal(config.BERTH_ENCRYPTION_KEY, value), secret: true } });
    try {
      assert.deepEqual(await berthBuild(dir, { args: { TOKEN: value } }), {
        ok: false,
        error: "build argument TOKEN holds the value of a secret env var: build arguments are not secret (the image history keeps them)",
      });
      assert.deepEqual(await berthBuild(dir, { args: { API_TOKEN: "x" } }), {
        ok: false,
        error: "build argument API_TOKEN has the name of a secret env var: build arguments are not secret (the image history keeps them)",
      });
      // docker would build it, and `docker history` shows the value: the reason for the refusal.
      const raw = await rawBuild(dir, { args: { TOKEN: value } });
      assert.ok(raw.ok);
      const { stdout } = await run("docker", ["history", "--no-trunc", raw.image], {
        env: { PATH: config.PATH, DOCKER_HOST: `unix://${config.DOCKER_SOCKET}` },
      });
      assert.ok(stdout.includes(value), "the classic builder keeps build arguments in the image history");
      // A value that is no secret builds.
      assert.equal((await berthBuild(dir, { args: { TOKEN: "public" } })).ok, true);
    } finally {
      await db.envVar.deleteMany({ where: { appId, key: "API_TOKEN" } });
    }
  });

  it("through the API: an app's build settings are validated, stored and used by an upload build", async () => {
    const owner = await signUp();
    const slug = await teamWith(owner);
    const auth = { cookie: owner.cookie, ip: owner.ip };
    try {
      const bad = await call("createApp", { ...auth, params: { team: slug }, body: { name: "bad", config: { build: { args: { "NO-DASH": "x" } } } } });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      const created = await call("createApp", {
        ...auth,
        params: { team: slug },
        body: { name: "web", config: { replicas: 0, build: { args: { BASE: BUSYBOX }, target: "final" } } },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.app.config.build, { args: { BASE: BUSYBOX }, target: "final" });
      const dir = await writeDir({
        Dockerfile: `ARG BASE=${registryHost}/berth/none:1\nFROM \${BASE} AS final\nRUN echo ok > /ok\nFROM \${BASE}\nRUN exit 9\n`,
      });
      const up = await uploadBuild(auth, slug, "web", tarOf(dir));
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const done = await waitForDeployment(auth, slug, "web", up.body.id);
      const log = await deploymentLog(auth, slug, "web", up.body.id);
      assert.ok(
        log.some((l) => l.startsWith("Built and pushed ")),
        `${done.status}\n${log.join("\n")}`,
      );
      // Dropping the settings: the default base does not exist, and the last stage fails anyway.
      const cleared = await call("updateApp", { ...auth, params: { team: slug, app: "web" }, body: { config: { build: null } } });
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
      assert.equal(cleared.body.app.config.build, undefined);
    } finally {
      await call("deleteTeam", { ...auth, params: { team: slug } }).catch(() => {});
    }
  });
});
