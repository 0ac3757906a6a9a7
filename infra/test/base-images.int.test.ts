// Integration tests for the base-image seed and the two examples, against the real dockerd and
// registry: node --import tsx --test infra/test/base-images.int.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { before, type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { registryFetch } from "@berth/core/registry-fetch";
import Docker from "dockerode";
import { readJsonStream, type SeedResult, seedBaseImages } from "../seed/base-images.ts";

const REGISTRY = "127.0.0.1:5000";
const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));

const seed = () => seedBaseImages({ docker, registry: REGISTRY, log: () => {} });

let firstRun: SeedResult[] = [];
before(
  async () => {
    firstRun = await seed();
  },
  { timeout: 300_000 },
);

test("a second seeding run rebuilds and pushes nothing and reports the same digests", { timeout: 60_000 }, async () => {
  const second = await seed();
  assert.deepEqual(
    second.map((image) => image.ref),
    [`${REGISTRY}/berth/busybox:latest`, `${REGISTRY}/berth/node:20`],
  );
  for (const [i, image] of second.entries()) {
    assert.equal(image.built, false, `${image.name} was rebuilt`);
    assert.equal(image.pushed, false, `${image.name} was pushed again`);
    assert.match(image.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(image.digest, firstRun[i]?.digest);
  }
});

test("the registry serves both tags of each base image at the seeded digest", async () => {
  const expected = { "berth/busybox": ["1", "latest"], "berth/node": ["20", "latest"] };
  for (const [name, tags] of Object.entries(expected)) {
    // Token auth: an anonymous token may read the public base images.
    const list = (await (await registryFetch(`http://${REGISTRY}/v2/${name}/tags/list`)).json()) as { tags: string[] };
    assert.deepEqual([...list.tags].sort(), tags);
    const seeded = firstRun.find((image) => image.name === name);
    for (const tag of tags) assert.equal(await manifestDigest(name, tag), seeded?.digest, `${name}:${tag}`);
  }
});

test("examples/node-http builds from berth/node:20 and answers JSON on a port published on 127.0.0.1", { timeout: 120_000 }, async (t) => {
  const cleanup = cleanupStack(t);
  const image = await buildExample(cleanup, "node-http");
  const { container, base } = await runPublished(cleanup, image, ["APP_VERSION=7"]);

  const res = await waitForHttp(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await res.json(), { app: "node-http", version: "7" });

  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), "ok");

  // A graceful SIGTERM exits 0; being killed after the stop timeout would give 137.
  await container.stop({ t: 5 });
  const { State } = await container.inspect();
  assert.equal(State.ExitCode, 0);
});

test("examples/static-site serves its index.html as uid 65534 on a port published on 127.0.0.1", { timeout: 120_000 }, async (t) => {
  const cleanup = cleanupStack(t);
  const image = await buildExample(cleanup, "static-site");
  const { container, base } = await runPublished(cleanup, image, []);

  const res = await waitForHttp(`${base}/`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), await readFile(join(examplesDir, "static-site", "index.html"), "utf8"));

  // dockerd runs ps on the host and needs the pid column to pick this container's processes.
  const top = (await container.top({ ps_args: "-o pid,uid,comm" })) as { Processes: string[][] };
  assert.deepEqual(
    top.Processes.map(([, uid, comm]) => [uid, comm]),
    [["65534", "httpd"]],
  );
});

// ------------------------------------------------------------------ helpers

const suffix = () => randomBytes(4).toString("hex");

type Cleanup = (work: () => Promise<unknown>) => void;

// node:test runs t.after hooks in the order they were added; the container must go before its
// image (a running container's image is only untagged, left dangling), so undo in reverse.
function cleanupStack(t: TestContext): Cleanup {
  const stack: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const work of stack.reverse()) await ignoreNotFound(work());
  });
  return (work) => stack.push(work);
}

async function buildExample(cleanup: Cleanup, name: string): Promise<string> {
  const tag = `berth-test/${name}:${suffix()}`;
  cleanup(() => docker.getImage(tag).remove({ force: true }));
  const context = join(examplesDir, name);
  const stream = await docker.buildImage({ context, src: await readdir(context) }, { t: tag, rm: true, forcerm: true });
  await readJsonStream(stream);
  return tag;
}

// Publishes 8080 on a random port of 127.0.0.1 only: the host reaches containers through it, never a bridge IP.
async function runPublished(cleanup: Cleanup, image: string, env: string[]): Promise<{ container: Docker.Container; base: string }> {
  const container = await docker.createContainer({
    name: `berth-test-${suffix()}`,
    Image: image,
    Env: env,
    ExposedPorts: { "8080/tcp": {} },
    HostConfig: { PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } },
  });
  cleanup(() => container.remove({ force: true }));
  await container.start();
  const binding = (await container.inspect()).NetworkSettings.Ports["8080/tcp"]?.[0];
  assert.equal(binding?.HostIp, "127.0.0.1");
  assert.match(binding.HostPort, /^\d+$/);
  return { container, base: `http://127.0.0.1:${binding.HostPort}` };
}

// docker-proxy accepts connections before the app listens, so early requests fail; retry briefly.
async function waitForHttp(url: string, timeoutMs = 15_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2_000) });
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String((err as Error).cause ?? err)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function manifestDigest(name: string, tag: string): Promise<string | null> {
  const res = await registryFetch(`http://${REGISTRY}/v2/${name}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
  });
  assert.equal(res.status, 200, `HEAD ${name}:${tag}`);
  return res.headers.get("docker-content-digest");
}

async function ignoreNotFound(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}
