// One registry notification -> the repositories and tags tables. Events may repeat (the
// registry retries; the job id collapses re-deliveries) and may be lost (a registry restart
// drops its queue): registry-reconcile.ts repairs what was missed.
import type { JobPayload, RegistryEvent } from "@berth/core";
import { describeImage } from "@berth/core/registry/describe-image";
import { SYSTEM_NAMESPACE } from "@berth/core/registry/grant";
import { INTERNAL_SUBJECT, MANIFEST_TYPES } from "@berth/core/registry/registry-client";
import type { JobContext } from "./context.ts";
import { notifyWebhooks } from "./notify-webhooks.ts";

const isManifest = (e: RegistryEvent) => MANIFEST_TYPES.includes(e.target.mediaType ?? "");

export async function registryEvent(payload: JobPayload<"registryEvent">, ctx: JobContext): Promise<void> {
  const e = payload.event;
  const [namespace, ...rest] = e.target.repository.split("/");
  const team = await ctx.db.team.findUnique({ where: { slug: namespace ?? "" }, select: { id: true } });
  if (rest.length === 0 || namespace === SYSTEM_NAMESPACE) return; // base images have no team
  if (!team) {
    // A write to a deleted team's namespace that began before the deletion (a token issued
    // earlier, a build still running) must not leave an image for the slug's next owner (web's
    // purge-team-images.ts empties the namespace when the team is deleted).
    if (e.action === "push" && isManifest(e) && e.target.digest && (await wasDeletedTeam(ctx, namespace ?? ""))) {
      await ctx.registry.deleteManifest(e.target.repository, e.target.digest);
    }
    return;
  }
  const name = rest.join("/");

  if (e.action === "push" && isManifest(e) && e.target.tag && e.target.digest) {
    await upsertTag(ctx, {
      teamId: team.id,
      fullName: e.target.repository,
      name,
      tag: e.target.tag,
      digest: e.target.digest,
      pushedBy: e.actor?.name ?? null,
      pushedAt: new Date(e.timestamp),
    });
    await notifyWebhooks(ctx, team.id, "image.pushed", {
      repository: e.target.repository,
      tag: e.target.tag,
      digest: e.target.digest,
      pushedBy: e.actor?.name ?? null,
      pushedAt: e.timestamp,
    });
  } else if (e.action === "pull" && isManifest(e) && e.request?.method === "GET" && e.actor?.name !== INTERNAL_SUBJECT) {
    // Only a GET of a manifest is a pull: HEADs are clients checking for updates, and Berth's
    // own reads (sizes, layers) are not pulls.
    const repo = await ctx.db.imageRepository.findUnique({ where: { teamId_name: { teamId: team.id, name } } });
    if (!repo) return;
    const where = e.target.tag ? { repositoryId: repo.id, name: e.target.tag } : { repositoryId: repo.id, digest: e.target.digest ?? "" };
    // Both counters or neither: a retried job must not count the repository twice.
    await ctx.db.$transaction([
      ctx.db.imageRepository.update({ where: { id: repo.id }, data: { pullCount: { increment: 1 } } }),
      ctx.db.imageTag.updateMany({ where, data: { pullCount: { increment: 1 }, lastPulledAt: new Date(e.timestamp) } }),
    ]);
  } else if (e.action === "delete" && e.target.digest) {
    const repo = await ctx.db.imageRepository.findUnique({ where: { teamId_name: { teamId: team.id, name } } });
    if (repo) await ctx.db.imageTag.deleteMany({ where: { repositoryId: repo.id, digest: e.target.digest } });
  }
}

const wasDeletedTeam = async (ctx: Pick<JobContext, "db">, slug: string) =>
  (await ctx.db.auditEvent.count({ where: { action: "team.deleted", target: slug, teamId: null } })) > 0;

export async function upsertTag(
  ctx: Pick<JobContext, "db" | "registry">,
  t: { teamId: string; fullName: string; name: string; tag: string; digest: string; pushedBy: string | null; pushedAt: Date },
): Promise<void> {
  const manifest = await ctx.registry.getManifest(t.fullName, t.digest);
  if (!manifest) return; // deleted since: nothing to record
  const facts = await describeImage(ctx.registry, t.fullName, manifest);
  const repo = await ctx.db.imageRepository.upsert({
    where: { teamId_name: { teamId: t.teamId, name: t.name } },
    create: { teamId: t.teamId, name: t.name },
    update: { updatedAt: new Date() },
  });
  const data = {
    digest: t.digest,
    sizeBytes: BigInt(facts.sizeBytes),
    os: facts.os,
    architecture: facts.architecture,
    pushedAt: t.pushedAt,
    pushedBy: t.pushedBy,
  };
  await ctx.db.imageTag.upsert({
    where: { repositoryId_name: { repositoryId: repo.id, name: t.tag } },
    create: { repositoryId: repo.id, name: t.tag, ...data },
    update: data,
  });
}
