// Registry storage a team uses: the unique layers (and configs) its tags reference. Layers
// shared between tags count once, as they are stored once.
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db } from "@berth/db";

export async function teamUsage(deps: { db: Db; registry: RegistryClient }, team: { id: string; slug: string }) {
  const repos = await deps.db.imageRepository.findMany({ where: { teamId: team.id }, include: { tags: { select: { digest: true } } } });
  const blobs = new Map<string, number>();
  let tags = 0;
  for (const repo of repos) {
    tags += repo.tags.length;
    for (const digest of new Set(repo.tags.map((t) => t.digest))) {
      const manifest = await deps.registry.getManifest(`${team.slug}/${repo.name}`, digest);
      const parts = [...(manifest?.json.layers ?? []), ...(manifest?.json.config ? [manifest.json.config] : [])] as { digest: string; size: number }[];
      for (const blob of parts) blobs.set(blob.digest, blob.size);
    }
  }
  return { bytes: [...blobs.values()].reduce((a, b) => a + b, 0), repositories: repos.length, tags, layers: blobs.size };
}
