// Registry notifications -> the repositories and tags tables. Events may repeat (the
// registry retries) and may be lost (a restart drops its queue): handling is idempotent per
// event id, and reconcile-registry.ts repairs what was missed.
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { z } from "zod";
import { describeImage } from "./describe-image.ts";
import { INTERNAL_SUBJECT } from "./issue-token.ts";
import { MANIFEST_TYPES, type RegistryClient } from "./registry-client.ts";

export const registryEnvelope = z.object({
  events: z
    .array(
      z.object({
        id: z.string().min(1).max(128),
        timestamp: z.string(),
        action: z.enum(["push", "pull", "delete", "mount"]),
        target: z
          .object({
            mediaType: z.string().optional(),
            digest: z.string().optional(),
            repository: z.string().min(1).max(255),
            tag: z.string().max(128).optional(),
          })
          .passthrough(),
        request: z.object({ method: z.string().optional() }).passthrough().optional(),
        actor: z.object({ name: z.string().optional() }).passthrough().optional(),
      }),
    )
    .max(1000),
});
export type RegistryEvent = z.infer<typeof registryEnvelope>["events"][number];

const isManifest = (e: RegistryEvent) => MANIFEST_TYPES.includes(e.target.mediaType ?? "");

export async function recordEvents(
  deps: { db: Db; redis: Redis; registry: RegistryClient },
  events: RegistryEvent[],
): Promise<{ handled: number; skipped: number }> {
  let handled = 0;
  let skipped = 0;
  for (const e of events) {
    const fresh = await deps.redis.set(`berth:regevent:${e.id}`, "1", "EX", 86_400, "NX");
    if (fresh !== "OK") {
      skipped++;
      continue;
    }
    const [namespace, ...rest] = e.target.repository.split("/");
    const team = await deps.db.team.findUnique({ where: { slug: namespace ?? "" }, select: { id: true } });
    if (!team || rest.length === 0) {
      skipped++;
      continue;
    }
    const name = rest.join("/");
    if (e.action === "push" && isManifest(e) && e.target.tag && e.target.digest) {
      await upsertTag(deps, team.id, e.target.repository, name, e.target.tag, e.target.digest, e.actor?.name ?? null, new Date(e.timestamp));
      handled++;
    } else if (e.action === "pull" && isManifest(e) && e.request?.method === "GET" && e.actor?.name !== INTERNAL_SUBJECT) {
      // Only a GET of a manifest is a pull; HEADs are clients checking for updates, and
      // Berth's own reads (sizes, layers) are not pulls.
      const repo = await deps.db.imageRepository.findUnique({ where: { teamId_name: { teamId: team.id, name } } });
      if (repo) {
        await deps.db.imageRepository.update({ where: { id: repo.id }, data: { pullCount: { increment: 1 } } });
        const tagWhere = e.target.tag ? { repositoryId: repo.id, name: e.target.tag } : { repositoryId: repo.id, digest: e.target.digest ?? "" };
        await deps.db.imageTag.updateMany({ where: tagWhere, data: { pullCount: { increment: 1 }, lastPulledAt: new Date(e.timestamp) } });
      }
      handled++;
    } else if (e.action === "delete" && e.target.digest) {
      const repo = await deps.db.imageRepository.findUnique({ where: { teamId_name: { teamId: team.id, name } } });
      if (repo) await deps.db.imageTag.deleteMany({ where: { repositoryId: repo.id, digest: e.target.digest } });
      handled++;
    } else skipped++;
  }
  return { handled, skipped };
}

export async function upsertTag(
  deps: { db: Db; registry: RegistryClient },
  teamId: string,
  fullName: string,
  name: string,
  tag: string,
  digest: string,
  pushedBy: string | null,
  pushedAt: Date,
): Promise<void> {
  const manifest = await deps.registry.getManifest(fullName, digest);
  if (!manifest) return;
  const facts = await describeImage(deps.registry, fullName, manifest);
  const repo = await deps.db.imageRepository.upsert({ where: { teamId_name: { teamId, name } }, create: { teamId, name }, update: { updatedAt: new Date() } });
  const data = { digest, sizeBytes: BigInt(facts.sizeBytes), os: facts.os, architecture: facts.architecture, pushedAt, pushedBy };
  await deps.db.imageTag.upsert({
    where: { repositoryId_name: { repositoryId: repo.id, name: tag } },
    create: { repositoryId: repo.id, name: tag, ...data },
    update: data,
  });
}
