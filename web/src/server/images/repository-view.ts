import type { imageTag, repository } from "@berth/core";
import type { ImageRepository, ImageTag } from "@berth/db";
import type { z } from "zod";

export function repositoryView(r: ImageRepository & { tagCount: number; stars: number }, teamSlug: string): z.infer<typeof repository> {
  return {
    name: r.name,
    fullName: `${teamSlug}/${r.name}`,
    description: r.description,
    public: r.public,
    pullCount: r.pullCount,
    tagCount: r.tagCount,
    stars: r.stars,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function tagView(t: ImageTag): z.infer<typeof imageTag> {
  return {
    name: t.name,
    digest: t.digest,
    sizeBytes: Number(t.sizeBytes),
    os: t.os,
    architecture: t.architecture,
    pushedAt: t.pushedAt.toISOString(),
    pushedBy: t.pushedBy,
    lastPulledAt: t.lastPulledAt?.toISOString() ?? null,
    pullCount: t.pullCount,
  };
}
