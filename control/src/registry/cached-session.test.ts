// The cache first, the registry directly for what the cache cannot serve: against a stand-in cache
// (an HTTP server on a unix socket) and a recording stand-in for the direct session.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { PinnedResponse } from "../outbound/send-pinned.ts";
import { cacheSocketSession, throughCache } from "./cached-session.ts";
import type { OutsideSession } from "./outside-session.ts";

let dir: string;
let server: Server;
let socket: string;
const cacheHits: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "berth-cache-"));
  socket = join(dir, "registry.sock");
  server = createServer((req, res) => {
    cacheHits.push(`${req.method} ${req.url} ${req.headers.authorization ?? "anonymous"}`);
    if (req.url?.startsWith("/v2/library/busybox/")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"from":"cache"}');
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function recordingDirect() {
  const calls: string[] = [];
  let opened = 0;
  const session: OutsideSession = {
    registry: "docker.io",
    login: async () => undefined,
    get: async (repository, path): Promise<PinnedResponse> => {
      calls.push(`${repository}${path}`);
      return { status: 200, headers: {}, body: Buffer.from('{"from":"direct"}'), truncated: false };
    },
  };
  return {
    calls,
    opened: () => opened,
    open: async () => {
      opened++;
      return session;
    },
  };
}

describe("reading through the pull-through cache", () => {
  it("serves a public image from the cache, anonymously, without opening the direct session", async () => {
    const direct = recordingDirect();
    const s = throughCache(cacheSocketSession(socket, "docker.io"), direct.open);
    const res = await s.get("library/busybox", "/manifests/1", { accept: "application/json" });
    assert.equal(res.body.toString(), '{"from":"cache"}');
    assert.equal(direct.opened(), 0);
    assert.ok(cacheHits.includes("GET /v2/library/busybox/manifests/1 anonymous"));
  });

  it("reads a repository the cache does not serve (private or unknown) directly, from then on", async () => {
    const direct = recordingDirect();
    const fallbacks: string[] = [];
    const s = throughCache(cacheSocketSession(socket, "docker.io"), direct.open, (f) => fallbacks.push(f.reason));
    const before = cacheHits.length;
    assert.equal((await s.get("acme/private", "/manifests/1", {})).body.toString(), '{"from":"direct"}');
    assert.equal((await s.get("acme/private", "/blobs/sha256:aa", {})).body.toString(), '{"from":"direct"}');
    assert.deepEqual(direct.calls, ["acme/private/manifests/1", "acme/private/blobs/sha256:aa"]);
    assert.equal(cacheHits.length, before + 1, "the cache was asked once for that repository");
    assert.deepEqual(fallbacks, ["the cache answered 404"]);
  });

  it("reads directly when the cache is not running", async () => {
    const direct = recordingDirect();
    const s = throughCache(cacheSocketSession(join(dir, "missing.sock"), "docker.io"), direct.open);
    assert.equal((await s.get("library/busybox", "/manifests/1", {})).body.toString(), '{"from":"direct"}');
  });

  it("marks an answer larger than allowed as truncated", async () => {
    const res = await cacheSocketSession(socket, "docker.io").get("library/busybox", "/blobs/x", { maxBodyBytes: 4 });
    assert.equal(res.truncated, true);
    assert.equal(res.body.length, 4);
  });
});
