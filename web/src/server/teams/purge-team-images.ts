// A deleted team's images must not pass to whoever next takes its slug: the registry names
// repositories `<slug>/<name>`, not by team id. So before the team goes, every manifest under
// `<slug>/` that Berth can name is deleted through the registry's API — the ones its tags point
// at, and older ones Berth recorded in releases and builds (the API cannot list untagged
// manifests) — and the repository's links to their blobs, so nothing is pullable under that
// name any more; the next garbage collection frees the storage. The team is deleted only once
// this succeeded: a registry that cannot be emptied keeps the slug taken.
import { parseImageRef } from "@berth/core/image-ref";
import { INDEX_TYPES, type Json, type RegistryClient } from "@berth/core/registry/registry-client";
import type { Db } from "@berth/db";

export async function purgeTeamImages(
  deps: { db: Db; registry: RegistryClient },
  team: { id: string; slug: string },
): Promise<{ repositories: number; manifests: number }> {
  const prefix = `${team.slug}/`;
  const known = await knownDigests(deps.db, team);
  const repositories = new Set((await deps.registry.catalog()).filter((n) => n.startsWith(prefix)));
  for (const repo of known.keys()) repositories.add(repo);
  let manifests = 0;
  for (const repo of repositories) {
    const digests = new Set(known.get(repo) ?? []);
    for (const tag of await deps.registry.listTags(repo)) {
      const m = await deps.registry.getManifest(repo, tag);
      if (m) digests.add(m.digest);
    }
    const blobs = new Set<string>();
    for (const digest of digests) manifests += await deleteManifestTree(deps.registry, repo, digest, blobs);
    for (const blob of blobs) await deps.registry.deleteBlob(repo, blob);
  }
  return { repositories: repositories.size, manifests };
}

/** Deletes a manifest (an index with its children), collecting the blobs they name. */
async function deleteManifestTree(registry: RegistryClient, repo: string, digest: string, blobs: Set<string>, depth = 0): Promise<number> {
  const m = await registry.getManifest(repo, digest);
  if (!m) return 0;
  let count = 0;
  const json: Json = m.json;
  if (INDEX_TYPES.has(m.mediaType) && depth === 0) {
    for (const child of (json.manifests ?? []) as { digest?: string }[])
      if (child.digest) count += await deleteManifestTree(registry, repo, child.digest, blobs, 1);
  }
  if (typeof json.config?.digest === "string") blobs.add(json.config.digest);
  for (const layer of (json.layers ?? []) as { digest?: string }[]) if (layer.digest) blobs.add(layer.digest);
  await registry.deleteManifest(repo, m.digest);
  return count + 1;
}

/** Digests Berth recorded for the team's repositories: tags, releases, builds (repository → digests). */
async function knownDigests(db: Db, team: { id: string; slug: string }): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const add = (ref: string | null, digest: string | null) => {
    if (!ref || !digest) return;
    const parsed = parseImageRef(ref);
    if (!parsed.ok || !parsed.ref.path.startsWith(`${team.slug}/`)) return;
    const set = out.get(parsed.ref.path) ?? new Set<string>();
    set.add(digest);
    out.set(parsed.ref.path, set);
  };
  const [tags, releases, builds] = await Promise.all([
    db.imageTag.findMany({ where: { repository: { teamId: team.id } }, select: { digest: true, repository: { select: { name: true } } } }),
    db.release.findMany({ where: { app: { teamId: team.id } }, select: { imageRef: true, digest: true } }),
    db.build.findMany({ where: { app: { teamId: team.id } }, select: { imageRef: true, digest: true } }),
  ]);
  for (const t of tags) add(`${team.slug}/${t.repository.name}`, t.digest);
  for (const r of [...releases, ...builds]) add(r.imageRef, r.digest);
  return out;
}
