import { AppError } from "@berth/core";
import { describeImage } from "@berth/core/registry/describe-image";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db } from "@berth/db";
import { findRepository } from "./get-repository.ts";
import { tagView } from "./repository-view.ts";

export async function getTag(deps: { db: Db; registry: RegistryClient }, team: { id: string; slug: string }, name: string, tagName: string) {
  const repo = await findRepository(deps.db, team.id, name);
  const tag = repo.tags.find((t) => t.name === tagName);
  if (!tag) throw new AppError("NOT_FOUND", `tag "${tagName}" not found`);
  const manifest = await deps.registry.getManifest(`${team.slug}/${name}`, tag.digest);
  const layers = manifest ? (await describeImage(deps.registry, `${team.slug}/${name}`, manifest)).layers : [];
  return { ...tagView(tag), layers };
}
