// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile substitutions (${VAR}) are the subject of these tests
// Dockerfiles through Berth next to a raw `DOCKER_BUILDKIT=0 docker build` of the same directory
// (the Engine's classic builder, which Berth drives): both succeed with the same files, env and
// labels, or both fail. Where Berth refuses what docker accepts, the test names the refusal and why.
// Builds run in process (the build.run handler against Postgres, Redis, dockerd and Berth's
// registry), from Berth's own base images only.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seal } from "@berth/core/secret-box";
import { call, signUp, teamWith } from "../../web/test/api.ts";
import { deploymentLog, tarOf, uploadBuild, waitForDeployment } from "../../web/test/deploys.ts";
import { type BuildSettings, buildHarness, rand, run } from "./build-harness.ts";

const h = await buildHarness("dockerfiles");
const { config, db, docker, registryHost, writeDir, rawBuild, facts } = h;
const BUSYBOX = `${registryHost}/berth/busybox:latest`;

const team = `df-${rand()}`;
const other = `dfo-${rand()}`;
// Another team's private image, present on the engine (as a deploy would leave it).
const OTHER_PRIVATE = `${registryHost}/${other}/private:1`;
let appId = "";

/** Berth's outcome without its log lines (these tests compare outcomes whole). */
const berthBuild = async (dir: string, settings: BuildSettings = {}) => {
  const { log: _log, ...outcome } = await h.berthBuild(appId, dir, settings);
  return outcome;
};
const compare = async (files: Record<string, string>, settings: BuildSettings = {}, check: string[] = []) => {
  const { berth, raw } = await h.compare(appId, files, settings, check);
  const { log: _log, ...outcome } = berth;
  return { berth: outcome, raw };
};

before(async () => {
  const t = await db.team.create({ data: { slug: team, name: team } });
  appId = (await db.app.create({ data: { teamId: t.id, name: "web", sourceType: "git" } })).id;
  const o = await db.team.create({ data: { slug: other, name: other } });
  await db.imageRepository.create({ data: { teamId: o.id, name: "private", public: false } });
  await docker.getImage(BUSYBOX).tag({ repo: OTHER_PRIVATE.slice(0, OTHER_PRIVATE.lastIndexOf(":")), tag: "1" });
  h.localTags.push(OTHER_PRIVATE);
});

after(async () => {
  await db.team.deleteMany({ where: { slug: { in: [team, other] } } });
  await h.close([team]);
});

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
        env: h.dockerEnv,
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
