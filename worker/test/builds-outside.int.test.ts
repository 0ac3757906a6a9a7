// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile substitutions (${VAR}) are the subject of these tests
// Builds FROM (and COPY --from) images of other registries, and monorepo builds (a context
// directory and a Dockerfile path), in process against the real stack (Postgres, Redis, dockerd,
// Berth's registry) and the test network's stand-in registries (10.231.0.0/24), allowed through the
// outbound policy by address as an instance admin would. Each outside image is copied into the
// team's namespace in Berth's registry and the Dockerfile made to name that pinned copy; the result
// is compared with a raw `DOCKER_BUILDKIT=0 docker build` of the same directory, for which the
// stand-in's image is put on the engine under its own name first (the engine here is not set up to
// pull from the stand-in over HTTP; users' engines pull from their registries).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { registryAuth } from "@berth/control/registry/registry-auth";
import { seal } from "@berth/core/secret-box";
import type { StandInRegistry } from "../../infra/testnet/registry.ts";
import { type TestNetwork, testNetwork } from "../../infra/testnet/testnet.ts";
import { call, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { childEnv, signIn, stack } from "../../web/test/config.ts";
import { allowOutbound } from "../../web/test/outbound.ts";
import { type BuildSettings, buildHarness, rand, run } from "./build-harness.ts";

const h = await buildHarness("builds-outside");
const { workDir, config, ctx, db, docker, dockerEnv, localTags, registryHost, writeDir, rawBuild, facts } = h;
const BUSYBOX = `${registryHost}/berth/busybox:latest`;

let net: TestNetwork;
let reg: StandInRegistry;
let authReg: StandInRegistry;
let owner: TestUser;
let team = "";
let appId = "";
const restores: (() => Promise<void>)[] = [];

const berthBuild = (dir: string, settings: BuildSettings = {}) => h.berthBuild(appId, dir, settings);
const compare = (files: Record<string, string>, settings: BuildSettings = {}, check: string[] = []) => h.compare(appId, files, settings, check);

before(async () => {
  net = await testNetwork();
  reg = await net.registry();
  authReg = await net.registry({ auth: true });
  const admin = await signIn(stack.adminEmail, stack.adminPassword);
  restores.push((await allowOutbound(admin, [reg.address, authReg.address])).restore);
  owner = await signUp();
  team = await teamWith(owner);
  const t = await db.team.findUniqueOrThrow({ where: { slug: team } });
  appId = (await db.app.create({ data: { teamId: t.id, name: "web", sourceType: "git" } })).id;
  // What a raw `docker build` finds on its engine under the stand-in's name (it does not pull: --pull=false).
  const name = `${reg.address}/library/busybox:1`;
  await run(
    "skopeo",
    ["copy", "--quiet", "--src-tls-verify=false", "--dest-daemon-host", `unix://${config.DOCKER_SOCKET}`, `docker://${name}`, `docker-daemon:${name}`],
    { env: { PATH: config.PATH } },
  );
  localTags.push(name);
});

after(async () => {
  for (const restore of restores) await restore();
  await h.close(team ? [team] : []);
  if (team) await call("deleteTeam", { cookie: owner.cookie, params: { team } }).catch(() => {});
  await net?.destroy();
});

const copyOf = (r: StandInRegistry) => `${registryHost}/${team}/imported/${r.address.replace(":", "-")}/library/busybox`;
const usingLine = (r: StandInRegistry) =>
  new RegExp(`^Using ${r.address.replaceAll(".", "\\.")}/library/busybox:1 as ${copyOf(r).replaceAll(".", "\\.")}@sha256:[0-9a-f]{64}$`);

describe("builds FROM images of other registries", () => {
  it("FROM a stand-in registry's image: copied into the team's namespace, the build uses the pinned copy, same image as docker build", async () => {
    const outside = `${reg.address}/library/busybox:1`;
    const { berth } = await compare({ Dockerfile: `FROM ${outside}\nRUN echo hi > /greeting\nLABEL made.by=outside\n` }, {}, ["/greeting"]);
    assert.ok(berth.ok);
    assert.ok(
      berth.log.some((l) => usingLine(reg).test(l)),
      berth.log.join("\n"),
    );
    const step = berth.log.find((l) => /^Step 1\/\d+ : FROM /.test(l));
    assert.match(step ?? "", new RegExp(`^Step 1/3 : FROM ${copyOf(reg).replaceAll(".", "\\.")}@sha256:`), "the engine built from Berth's copy");
    assert.ok(
      berth.log.some((l) => l.startsWith(`Pulling ${copyOf(reg)}@sha256:`)),
      "pulled from Berth's registry onto the engine",
    );
  });

  it("ARG BASE=<outside image> then FROM ${BASE}, and a build argument naming it", async () => {
    const outside = `${reg.address}/library/busybox:1`;
    const files = { Dockerfile: `ARG BASE=${BUSYBOX}\nFROM \${BASE}\nARG WHO=default\nRUN echo "$WHO" > /who\n` };
    const { berth } = await compare(files, { args: { BASE: outside, WHO: "arg" } }, ["/who"]);
    assert.ok(berth.ok && berth.log.some((l) => usingLine(reg).test(l)), JSON.stringify(berth));
    const byDefault = await compare({ Dockerfile: `ARG BASE=${outside}\nFROM \${BASE} AS base\nRUN echo d > /d\n` }, {}, ["/d"]);
    assert.ok(byDefault.berth.ok && byDefault.berth.log.some((l) => usingLine(reg).test(l)));
  });

  it("COPY --from=<outside image>: the copy is pinned too", async () => {
    const outside = `${reg.address}/library/busybox:1`;
    const files = { Dockerfile: `FROM ${BUSYBOX}\nCOPY --from=${outside} /bin/busybox /copied\nRUN md5sum /copied | cut -d' ' -f1 > /sum\n` };
    const { berth } = await compare(files, {}, ["/sum"]);
    assert.ok(berth.ok);
    assert.ok(berth.log.some((l) => usingLine(reg).test(l)));
    assert.ok(
      berth.log.some((l) => new RegExp(`^Step 2/3 : COPY --from=${copyOf(reg).replaceAll(".", "\\.")}@sha256:[0-9a-f]{64} /bin/busybox /copied$`).test(l)),
      berth.log.join("\n"),
    );
  });

  it("refuses an ONBUILD trigger naming another registry's image, naming the instruction", async () => {
    const dir = await writeDir({ Dockerfile: `FROM ${BUSYBOX}\nONBUILD COPY --from=${reg.address}/library/busybox:1 /bin/busybox /x\n` });
    const berth = await berthBuild(dir);
    assert.deepEqual(berth.ok ? berth : { ok: false, error: berth.error }, {
      ok: false,
      error: `ONBUILD COPY --from=${reg.address}/library/busybox:1: an ONBUILD trigger cannot use ${reg.address}/library/busybox:1: Berth copies images from other registries for the Dockerfile's own FROM and COPY --from, but a trigger is kept in the image as written; push the image to ${registryHost}/<team>/<name>:<tag> and name that`,
    });
  });

  it("refuses a base image whose own ONBUILD trigger names another registry's image", async () => {
    // A base any team could push: built straight through the engine, pushed to the team's namespace.
    const trap = `${registryHost}/${team}/trap:1`;
    const src = await writeDir({ Dockerfile: `FROM ${BUSYBOX}\nONBUILD COPY --from=${reg.address}/library/busybox:1 /bin/busybox /x\n` });
    await run("docker", ["build", "-q", "--pull=false", "-t", trap, src], { env: dockerEnv });
    localTags.push(trap);
    const auth = registryAuth(ctx.tokenKeys(), { port: config.BERTH_REGISTRY_PORT, service: config.BERTH_REGISTRY_SERVICE }, `${team}/trap`, ["pull", "push"]);
    const stream = await docker.getImage(`${registryHost}/${team}/trap`).push({ tag: "1", authconfig: auth });
    const pushed = await new Promise<{ error?: string }[]>((res, rej) => docker.modem.followProgress(stream, (e, m) => (e ? rej(e) : res(m))));
    assert.ok(!pushed.some((m) => m.error), JSON.stringify(pushed));

    const berth = await berthBuild(await writeDir({ Dockerfile: `FROM ${trap}\nRUN true\n` }));
    assert.equal(
      berth.ok ? "built" : berth.error,
      `FROM ${trap}: its ONBUILD trigger COPY --from=${reg.address}/library/busybox:1: an ONBUILD trigger cannot use ${reg.address}/library/busybox:1: Berth copies images from other registries for the Dockerfile's own FROM and COPY --from, but a trigger is kept in the image as written; push the image to ${registryHost}/<team>/<name>:<tag> and name that`,
    );
  });

  it("FROM a private registry: refused with the instruction and the credentials to check while the team has none or a wrong one, built once it has the right one", async () => {
    const outside = `${authReg.address}/library/busybox:1`;
    const dir = await writeDir({ Dockerfile: `FROM ${outside}\nRUN echo private > /p\n` });
    const denied = `FROM ${outside}: pull access denied for ${authReg.address}/library/busybox: check the credentials for ${authReg.address}`;
    const missing = await berthBuild(dir);
    assert.equal(missing.ok ? "built" : missing.error, denied);
    assert.ok(!missing.log.some((l) => l.startsWith("Step ")), "the engine never started");

    // A credential that went wrong after it was stored (the API checks it when it is added): as the registry rotated it.
    const t = await db.team.findUniqueOrThrow({ where: { slug: team } });
    await db.registryCredential.create({
      data: { teamId: t.id, host: authReg.address, username: authReg.username ?? "", password: seal(config.BERTH_ENCRYPTION_KEY, "wrong-password") },
    });
    const wrong = await berthBuild(dir);
    assert.equal(wrong.ok ? "built" : wrong.error, denied);

    const added = await call("addRegistryCredential", {
      cookie: owner.cookie,
      params: { team },
      body: { host: authReg.address, username: authReg.username, password: authReg.password },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const right = await berthBuild(dir);
    assert.ok(right.ok, JSON.stringify(right));
    assert.ok(right.log.some((l) => usingLine(authReg).test(l)));
    assert.ok(!right.log.join("\n").includes(authReg.password ?? "-"), "the password is not in the log");
    assert.equal((await facts(right.image, ["/p"])).files["/p"], "private\n");
  });
});

describe("monorepos: a context directory and a Dockerfile path", () => {
  const monorepo = (base: string) => ({
    // At the root, a Dockerfile that must not be used, and files outside the context that must not reach the image.
    Dockerfile: `FROM ${BUSYBOX}\nRUN exit 3\n`,
    "README.md": "root\n",
    "services/web/index.js": "web\n",
    "services/api/docker/Dockerfile.prod": `FROM ${base}\nCOPY . /ctx/\nRUN cd /ctx && find . | sort > /listing\n`,
    "services/api/src/main.js": "api\n",
    "services/api/debug.log": "log\n",
    "services/api/.dockerignore": "*.log\n",
  });

  it("builds services/api with docker/Dockerfile.prod, FROM an outside image, as docker build -f … services/api does", async () => {
    const settings = { context: "services/api", dockerfile: "docker/Dockerfile.prod" };
    const { berth } = await compare(monorepo(`${reg.address}/library/busybox:1`), settings, ["/listing"]);
    assert.ok(berth.ok, JSON.stringify(berth));
    const listing = (await facts(berth.image, ["/listing"])).files["/listing"] ?? "";
    assert.ok(listing.includes("./src/main.js") && listing.includes("./docker/Dockerfile.prod"), listing);
    assert.ok(!listing.includes("README") && !listing.includes("index.js") && !listing.includes("debug.log"), listing);
    assert.ok(berth.log.some((l) => usingLine(reg).test(l)));
  });

  it("says what is wrong with a context directory or Dockerfile path that is not there", async () => {
    const dir = await writeDir(monorepo(BUSYBOX));
    const noDir = await berthBuild(dir, { context: "services/nope", dockerfile: "docker/Dockerfile.prod" });
    assert.equal(noDir.ok ? "built" : noDir.error, "context: there is no directory services/nope in the build's source");
    const noFile = await berthBuild(dir, { context: "services/api", dockerfile: "docker/Dockerfile.dev" });
    assert.equal(noFile.ok ? "built" : noFile.error, "no Dockerfile at docker/Dockerfile.dev in the build context");
    const raw = await rawBuild(dir, { context: "services/api", dockerfile: "docker/Dockerfile.dev" });
    assert.ok(!raw.ok, "docker fails too");
    const aFile = await berthBuild(dir, { context: "README.md" });
    assert.equal(aFile.ok ? "built" : aFile.error, "context: README.md is a file in the build's source, not a directory");
  });

  it("through the API: the settings are validated (no .., no absolute paths) and stored", async () => {
    const bad = [{ context: "../x" }, { context: "/etc" }, { dockerfile: "a/../../Dockerfile" }, { dockerfile: "/Dockerfile" }];
    for (const build of bad) {
      const res = await call("updateApp", { cookie: owner.cookie, params: { team, app: "web" }, body: { config: { build } } });
      assert.equal(res.status, 400, `${JSON.stringify(build)}: ${JSON.stringify(res.body)}`);
    }
    const good = { context: "services/api", dockerfile: "docker/Dockerfile.prod", target: "final", args: { A: "1" } };
    const res = await call("updateApp", { cookie: owner.cookie, params: { team, app: "web" }, body: { config: { build: good } } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.app.config.build, good);
  });

  it("git push: a monorepo deploys from services/api with its Dockerfile path; a push without that Dockerfile is rejected naming the path", async () => {
    // A team of its own: the in-process builds above leave their deployments "building", which count against the team's build quota.
    const pushTeam = await teamWith(owner);
    const app = `mono-${rand()}`;
    const created = await call("createApp", {
      cookie: owner.cookie,
      params: { team: pushTeam },
      body: { name: app, config: { replicas: 0, build: { context: "services/api", dockerfile: "docker/Dockerfile.prod" } } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const token = await call("createToken", { cookie: owner.cookie, body: { name: `git-${rand()}`, scopes: ["apps:deploy"], expiresInDays: 1 } });
    assert.equal(token.status, 201, JSON.stringify(token.body));
    const repo = await writeDir(monorepo(BUSYBOX));
    const home = await mkdtemp(join(workDir, "home-"));
    const git = (args: string[]) =>
      run("git", args, {
        cwd: repo,
        timeout: 240_000,
        env: {
          PATH: childEnv().PATH ?? config.PATH,
          HOME: home,
          GIT_TERMINAL_PROMPT: "0",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_AUTHOR_NAME: "T",
          GIT_AUTHOR_EMAIL: "t@example.test",
          GIT_COMMITTER_NAME: "T",
          GIT_COMMITTER_EMAIL: "t@example.test",
        },
      }).then(
        (r) => ({ code: 0, out: r.stderr }),
        (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, out: e.stderr ?? "" }),
      );
    const url = `http://${encodeURIComponent(owner.username)}:${encodeURIComponent(token.body.secret)}@localhost:${stack.proxyPort}/git/${pushTeam}/${app}.git`;
    for (const args of [
      ["init", "-q", "-b", "main"],
      ["add", "."],
      ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "v1"],
      ["remote", "add", "berth", url],
    ]) {
      assert.equal((await git(args)).code, 0);
    }
    try {
      const pushed = await git(["push", "berth", "main"]);
      assert.equal(pushed.code, 0, pushed.out);
      assert.match(pushed.out, /remote: Using services\/api\/ as the build context/);
      assert.match(pushed.out, /remote: Built and pushed /);

      await rm(join(repo, "services/api/docker"), { recursive: true });
      assert.equal((await git(["-c", "commit.gpgsign=false", "commit", "-q", "-a", "-m", "v2"])).code, 0);
      const rejected = await git(["push", "berth", "main"]);
      assert.notEqual(rejected.code, 0);
      assert.match(rejected.out, /no Dockerfile at services\/api\/docker\/Dockerfile\.prod of [0-9a-f]{7}: push rejected, nothing deployed/);
    } finally {
      await call("deleteTeam", { cookie: owner.cookie, params: { team: pushTeam } });
    }
  });
});
