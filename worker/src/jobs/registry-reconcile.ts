// Repairs the image tables from the registry: every team repository and tag the registry has
// is recorded (with its current digest), and recorded tags the registry no longer has are
// removed. Runs at worker start and every BERTH_RECONCILE_MINUTES.
import type { JobPayload } from "@berth/core";
import type { JobContext } from "./context.ts";
import { upsertTag } from "./registry-events.ts";

export async function registryReconcile(_payload: JobPayload<"registryReconcile">, ctx: JobContext): Promise<void> {
  const names = await ctx.registry.catalog();
  const teams = new Map((await ctx.db.team.findMany({ select: { id: true, slug: true } })).map((t) => [t.slug, t.id]));
  let added = 0;
  let removed = 0;
  const seen = new Set<string>();
  for (const fullName of names) {
    const [namespace, ...rest] = fullName.split("/");
    const teamId = teams.get(namespace ?? "");
    if (!teamId || rest.length === 0) continue;
    const name = rest.join("/");
    const liveTags = await ctx.registry.listTags(fullName);
    const repo = await ctx.db.imageRepository.findUnique({ where: { teamId_name: { teamId, name } }, include: { tags: true } });
    for (const tag of liveTags) {
      const manifest = await ctx.registry.getManifest(fullName, tag);
      if (!manifest) continue;
      const known = repo?.tags.find((t) => t.name === tag);
      if (known?.digest === manifest.digest) continue;
      await upsertTag(ctx, { teamId, fullName, name, tag, digest: manifest.digest, pushedBy: known?.pushedBy ?? null, pushedAt: new Date() });
      added++;
    }
    if (repo) {
      seen.add(repo.id);
      const gone = repo.tags.filter((t) => !liveTags.includes(t.name)).map((t) => t.id);
      if (gone.length) removed += (await ctx.db.imageTag.deleteMany({ where: { id: { in: gone } } })).count;
    }
  }
  // Repositories the registry does not list at all have no tags left.
  removed += (await ctx.db.imageTag.deleteMany({ where: { repository: { id: { notIn: [...seen] } } } })).count;
  ctx.log.info({ repositories: names.length, added, removed }, "registry reconciled");
}
