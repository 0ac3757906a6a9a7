// The outside-registry client against a small registry stand-in on loopback (allowed exactly, as an
// instance admin would): Bearer challenges (anonymous and with a credential), blob redirects to
// storage elsewhere (checked, without the registry's Authorization), manifest lists resolved to the
// host's platform, and the errors users see.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import type { AllowEntry } from "@berth/core/outbound-allow";
import { parseAllowEntry } from "@berth/core/outbound-allow";
import type { OutboundPolicy } from "../outbound/outbound-policy.ts";
import { outsideSession } from "./outside-session.ts";
import { hostPlatform, resolveOutsideImage } from "./resolve-outside-image.ts";

const sha = (b: string | Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const BLOB = Buffer.from("layer bytes");
const image = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { digest: sha(BLOB), size: BLOB.length },
  layers: [],
});
const other = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { digest: sha("x"), size: 1 }, layers: [] });
const { os, architecture } = hostPlatform();
const index = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    { digest: sha(other), platform: { os: "linux", architecture: "s390x-not-this" } },
    { digest: sha(image), platform: { os, architecture } },
  ],
});
const manifests: Record<string, { body: string; type: string }> = {
  "1": { body: index, type: "application/vnd.oci.image.index.v1+json" },
  [sha(image)]: { body: image, type: "application/vnd.oci.image.manifest.v1+json" },
  [sha(other)]: { body: other, type: "application/vnd.oci.image.manifest.v1+json" },
};

let registry: Server;
let storage: Server;
let regPort = 0;
let storagePort = 0;
const storageAuth: (string | undefined)[] = [];
const listen = (s: Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as { port: number }).port)));

function serveRegistry(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/token") {
    const basic = req.headers.authorization;
    if (basic && basic !== `Basic ${Buffer.from("alice:right").toString("base64")}`) return res.writeHead(401).end();
    return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: basic ? "alice-token" : "anon-token" }));
  }
  const privateRepo = url.pathname.startsWith("/v2/private/");
  const ok = req.headers.authorization === "Bearer alice-token" || (!privateRepo && req.headers.authorization === "Bearer anon-token");
  if (!ok) {
    const realm = `http://127.0.0.1:${regPort}/token`;
    return res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="stand-in",scope="repository:x:pull"` }).end();
  }
  const m = url.pathname.match(/^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/);
  if (m?.[2] === "manifests") {
    const found = manifests[m[3] ?? ""];
    if (!found) return res.writeHead(404).end();
    return res.writeHead(200, { "content-type": found.type, "docker-content-digest": sha(found.body) }).end(found.body);
  }
  if (m?.[2] === "blobs") return res.writeHead(307, { location: `http://127.0.0.1:${storagePort}/blob?sig=1` }).end();
  res.writeHead(404).end();
}

let policy: OutboundPolicy;
before(async () => {
  registry = createServer(serveRegistry);
  storage = createServer((req, res) => {
    storageAuth.push(req.headers.authorization);
    res.writeHead(200).end(BLOB);
  });
  regPort = await listen(registry);
  storagePort = await listen(storage);
  policy = { allow: [`127.0.0.1:${regPort}`, `127.0.0.1:${storagePort}`].map(parseAllowEntry) as AllowEntry[], ownAddresses: new Set() };
});
after(() => {
  registry?.close();
  storage?.close();
});

describe("outsideSession", () => {
  const host = () => `127.0.0.1:${regPort}`;

  it("answers a Bearer challenge anonymously and resolves a manifest list to the host's platform", async () => {
    const ref = { domain: host(), path: "library/app", tag: "1" };
    const got = await resolveOutsideImage(outsideSession(policy, host()), ref);
    assert.equal(got.digest, sha(index));
    assert.equal(got.manifest.digest, sha(image));
    assert.equal(got.platform, `${os}/${architecture}`);
  });

  it("follows a blob redirect to storage through the policy, without the registry's Authorization", async () => {
    const session = outsideSession(policy, host());
    const res = await session.get("library/app", `/blobs/${sha(BLOB)}`, { accept: "*/*" });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, BLOB);
    assert.equal(storageAuth.at(-1), undefined);
  });

  it("streams a blob to a sink through the redirect (the body is not buffered), and a sink's failure is the caller's error", async () => {
    const session = outsideSession(policy, host());
    const got: Buffer[] = [];
    const res = await session.get("library/app", `/blobs/${sha(BLOB)}`, {
      accept: "*/*",
      sink: async (body) => {
        for await (const chunk of body) got.push(chunk as Buffer);
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.deepEqual(Buffer.concat(got), BLOB);
    await assert.rejects(
      session.get("library/app", `/blobs/${sha(BLOB)}`, {
        sink: async (body) => {
          body.resume();
          throw new Error("the target refused it");
        },
      }),
      /the target refused it/,
    );
  });

  it("uses the credential for the token, and says pull access denied when it is missing or wrong", async () => {
    const ref = { domain: host(), path: "private/app", tag: "1" };
    const denied = `pull access denied for ${host()}/private/app: check the credentials for ${host()}`;
    await assert.rejects(resolveOutsideImage(outsideSession(policy, host()), ref), { message: denied });
    await assert.rejects(resolveOutsideImage(outsideSession(policy, host(), { username: "alice", password: "wrong" }), ref), { message: denied });
    const got = await resolveOutsideImage(outsideSession(policy, host(), { username: "alice", password: "right" }), ref);
    assert.equal(got.manifest.digest, sha(image));
  });

  it("says manifest unknown for a tag the registry does not have", async () => {
    await assert.rejects(resolveOutsideImage(outsideSession(policy, host()), { domain: host(), path: "library/app", tag: "9" }), {
      message: `manifest unknown: ${host()}/library/app:9 does not exist`,
    });
  });

  it("refuses a loopback registry the policy does not allow, before any request", async () => {
    const strict: OutboundPolicy = { allow: [], ownAddresses: new Set() };
    await assert.rejects(resolveOutsideImage(outsideSession(strict, host()), { domain: host(), path: "library/app", tag: "1" }), {
      message: /^refused: https:\/\/127\.0\.0\.1:\d+\/v2\/ resolves to 127\.0\.0\.1, a loopback address/,
    });
  });

  it("refuses a redirect to storage the policy does not allow", async () => {
    const onlyRegistry: OutboundPolicy = { allow: [parseAllowEntry(`127.0.0.1:${regPort}`) as AllowEntry], ownAddresses: new Set() };
    const before = storageAuth.length;
    await assert.rejects(outsideSession(onlyRegistry, host()).get("library/app", `/blobs/${sha(BLOB)}`, {}), {
      message: /^refused: http:\/\/127\.0\.0\.1:\d+\/blob/,
    });
    assert.equal(storageAuth.length, before, "nothing reached the storage");
  });
});
