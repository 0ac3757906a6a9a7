// Deleting a tag. Distribution 2.8 deletes manifests by digest, which drops every tag that
// points at it; the other tags are put back by re-uploading the same manifest bytes.
import { AppError } from "@berth/core";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { findRepository } from "./get-repository.ts";

export async function deleteTag(deps: { db: Db; registry: RegistryClient }, caller: Caller, team: TeamContext, name: string, tagName: string): Promise<void> {
  const repo = await findRepository(deps.db, team.id, name);
  const tag = repo.tags.find((t) => t.name === tagName);
  if (!tag) throw new AppError("NOT_FOUND", `tag "${tagName}" not found`);
  const fullName = `${team.slug}/${name}`;

  const liveTags = await deps.registry.listTags(fullName);
  const manifest = await deps.registry.getManifest(fullName, tag.digest);
  const siblings: string[] = [];
  if (manifest) {
    for (const other of liveTags.filter((t) => t !== tagName)) {
      const m = await deps.registry.getManifest(fullName, other);
      if (m?.digest === tag.digest) siblings.push(other);
    }
    await deps.registry.deleteManifest(fullName, tag.digest);
    for (const other of siblings) await deps.registry.putManifest(fullName, other, manifest.mediaType, manifest.raw);
  }
  // The registry's delete event may have removed the row already (the worker handles it).
  await deps.db.imageTag.deleteMany({ where: { id: tag.id } });
  await recordAudit(deps.db, {
    action: "image.tag_deleted",
    actorId: caller.user.id,
    teamId: team.id,
    target: `${fullName}:${tagName}`,
    ipAddress: caller.ip,
    data: { digest: tag.digest, kept: siblings },
  });
}
