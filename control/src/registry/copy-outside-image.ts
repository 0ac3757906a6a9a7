// Copies an image from another registry into Berth's own (manifest and blobs, skipping the blobs
// already in the target repository; each blob streamed through, never held in memory), so hosts
// pull only from Berth and a release never depends on the upstream again (rollback works with the
// upstream down or its tag moved).
// The copy lives in the team's namespace under a fixed scheme (importedRepository): one
// repository per upstream repository, so retention and the team's rules apply as to its own images.
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { AppError } from "@berth/core/errors";
import { internalRegistryToken } from "@berth/core/registry/registry-client";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { OutsideSession } from "./outside-session.ts";
import type { OutsideImage } from "./resolve-outside-image.ts";

export type BerthRegistryTarget = { baseUrl: string; service: string; keys: () => TokenKeys };

/**
 * `<team>/imported/<registry>/<path>`: readable (the upstream is in the name), stable (a tag and
 * its rollbacks share one repository, so blobs are shared), inside the team's namespace (its
 * quota, retention and pull rules). `:` of a port becomes `-` (not valid in a repository name).
 */
export function importedRepository(team: string, registry: string, path: string): string {
  const host = registry
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return `${team}/imported/${host}/${path}`;
}

export async function copyOutsideImage(
  session: OutsideSession,
  source: { path: string },
  image: OutsideImage,
  target: BerthRegistryTarget,
  repo: string,
): Promise<string> {
  const token = internalRegistryToken(target.keys(), target.service, [{ type: "repository", name: repo, actions: ["pull", "push"] }]);
  const auth = { authorization: `Bearer ${token}` };
  const m = image.manifest.json;
  const blobs: { digest: string; size?: number }[] = [m.config, ...(m.layers ?? [])].filter((b) => b?.digest);
  for (const blob of blobs) {
    const head = await fetch(`${target.baseUrl}/v2/${repo}/blobs/${blob.digest}`, { method: "HEAD", headers: auth });
    if (head.ok) continue;
    // Streamed from the registry (or its cache) into Berth's: a layer is never held in memory. The
    // registry checks the digest of what it receives. A retry (cache failed mid-layer) starts a new upload.
    const res = await session.get(source.path, `/blobs/${blob.digest}`, {
      accept: "*/*",
      sink: (body) => uploadBlob(target.baseUrl, auth, repo, blob.digest, body),
    });
    if (res.status !== 200) throw new AppError("UNAVAILABLE", `${session.registry} answered ${res.status} for blob ${blob.digest} of ${source.path}`);
  }
  const { raw, digest, mediaType } = image.manifest;
  const put = await fetch(`${target.baseUrl}/v2/${repo}/manifests/${digest}`, {
    method: "PUT",
    headers: { ...auth, "content-type": mediaType },
    body: new Uint8Array(raw),
  });
  if (put.status !== 201) throw new AppError("UNAVAILABLE", `Berth's registry refused the manifest of ${repo}@${digest} (${put.status}: ${await put.text()})`);
  return put.headers.get("docker-content-digest") ?? digest;
}

/** One blob into Berth's registry: an upload session, then its body in one streamed PUT (a monolithic upload). */
async function uploadBlob(baseUrl: string, auth: Record<string, string>, repo: string, digest: string, body: IncomingMessage): Promise<void> {
  const start = await fetch(`${baseUrl}/v2/${repo}/blobs/uploads/`, { method: "POST", headers: auth });
  const location = start.headers.get("location");
  if (start.status !== 202 || !location) {
    body.destroy();
    throw new AppError("UNAVAILABLE", `Berth's registry refused an upload to ${repo} (${start.status})`);
  }
  const put = new URL(location, baseUrl);
  put.searchParams.set("digest", digest);
  const length = body.headers["content-length"];
  const done = await fetch(put, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/octet-stream", ...(length ? { "content-length": length } : {}) },
    body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  if (done.status !== 201) throw new AppError("UNAVAILABLE", `Berth's registry refused blob ${digest} for ${repo} (${done.status}: ${await done.text()})`);
}
