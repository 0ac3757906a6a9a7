// Copies an image from another registry into Berth's own (manifest and blobs, skipping the blobs
// already in the target repository), so hosts pull only from Berth and a release never depends
// on the upstream again (rollback works with the upstream down or its tag moved).
// The copy lives in the team's namespace under a fixed scheme (importedRepository): one
// repository per upstream repository, so retention and the team's rules apply as to its own images.
import { AppError } from "@berth/core/errors";
import { internalRegistryToken } from "@berth/core/registry/registry-client";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { OutsideSession } from "./outside-session.ts";
import type { OutsideImage } from "./resolve-outside-image.ts";

export type BerthRegistryTarget = { baseUrl: string; service: string; keys: () => TokenKeys };

/** Layers above this size are not copied in one piece (memory); the copy is refused with a clear message. */
const BLOB_MAX = 1024 * 1024 * 1024;

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
    const res = await session.get(source.path, `/blobs/${blob.digest}`, { accept: "*/*", maxBodyBytes: BLOB_MAX });
    if (res.status !== 200) throw new AppError("UNAVAILABLE", `${session.registry} answered ${res.status} for blob ${blob.digest} of ${source.path}`);
    if (res.truncated)
      throw new AppError(
        "BAD_REQUEST",
        `a layer of ${session.registry}/${source.path} is larger than ${BLOB_MAX / 1024 / 1024} MiB, which Berth does not copy yet`,
      );
    const start = await fetch(`${target.baseUrl}/v2/${repo}/blobs/uploads/`, { method: "POST", headers: auth });
    const location = start.headers.get("location");
    if (start.status !== 202 || !location) throw new AppError("UNAVAILABLE", `Berth's registry refused an upload to ${repo} (${start.status})`);
    const put = new URL(location, target.baseUrl);
    put.searchParams.set("digest", blob.digest);
    const done = await fetch(put, { method: "PUT", headers: { ...auth, "content-type": "application/octet-stream" }, body: new Uint8Array(res.body) });
    if (done.status !== 201)
      throw new AppError("UNAVAILABLE", `Berth's registry refused blob ${blob.digest} for ${repo} (${done.status}: ${await done.text()})`);
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
