import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cacheAnswers, waitForCache, wantCache, wantedUpstream } from "./cache-demand.ts";
import { cachePaths } from "./registry-cache-paths.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-cache-demand-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("cache demand", () => {
  it("records the upstream a cache is wanted for; new only the first time, and again for another upstream", async () => {
    const paths = cachePaths(dir, "docker.io");
    assert.equal(await wantedUpstream(paths), undefined);
    assert.equal(await wantCache(paths, "https://registry-1.docker.io"), true);
    assert.equal(await wantCache(paths, "https://registry-1.docker.io"), false);
    assert.equal(await wantedUpstream(paths), "https://registry-1.docker.io");
    assert.equal(await wantCache(paths, "http://mirror.example:5000"), true);
    assert.equal(await wantedUpstream(paths), "http://mirror.example:5000");
  });

  it("waits for a cache to answer on its socket, and gives up after the time given", async () => {
    const paths = cachePaths(dir, "ghcr.io");
    assert.equal(await cacheAnswers(paths.socket, 200), false);
    const started = Date.now();
    assert.equal(await waitForCache(paths.socket, 300), false);
    assert.ok(Date.now() - started < 5_000);
    await wantCache(paths, "https://ghcr.io");
    const server = createServer((_req, res) => res.end("{}"));
    setTimeout(() => server.listen(paths.socket), 300);
    try {
      assert.equal(await waitForCache(paths.socket, 5_000), true);
    } finally {
      server.close();
    }
  });
});
