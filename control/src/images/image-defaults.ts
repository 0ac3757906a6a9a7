// Reads an image's own config (EXPOSE, HEALTHCHECK, platform: core/src/image-config.ts) from where the
// image lives: Berth's registry (with an internal token) or another registry (through the team's image
// source: its credential, the outbound policy). The API reads it for an app's port; the worker for a
// replica's readiness (replicas/readiness-check.ts).
import { type ImageDefaults, imageDefaults } from "@berth/core/image-config";
import { type QualifiedImageRef, requireImageRef } from "@berth/core/image-ref";
import type { Platform } from "@berth/core/platform";
import { INDEX_TYPES, type Json, type RegistryClient } from "@berth/core/registry/registry-client";
import { hostsPlatform } from "../hosts/hosts-platform.ts";
import { type ImageSourceDeps, openImageSource } from "../registry/image-source.ts";
import { hostPlatform, resolveOutsideImage } from "../registry/resolve-outside-image.ts";
import type { DeployableImage } from "./deployable-image.ts";

const CONFIG_MAX = 4 * 1024 * 1024;

/** An image in Berth's registry (`acme/web`, a tag or digest); null when the manifest is not there. */
export async function berthImageDefaults(registry: RegistryClient, repo: string, reference: string): Promise<ImageDefaults | null> {
  let manifest = await registry.getManifest(repo, reference);
  if (manifest && (INDEX_TYPES.has(manifest.mediaType) || Array.isArray(manifest.json.manifests))) {
    const { os, architecture } = hostPlatform();
    const entries = manifest.json.manifests as Json[];
    const entry = entries.find((m) => m.platform?.os === os && m.platform?.architecture === architecture) ?? entries[0];
    manifest = entry ? await registry.getManifest(repo, entry.digest) : null;
  }
  const digest = manifest?.json.config?.digest;
  if (typeof digest !== "string") return null;
  return imageDefaults(await registry.getBlobJson(repo, digest));
}

/** An image in another registry, read as the team reads it (the manifest for the hosts' platform). */
export async function outsideImageDefaults(deps: ImageSourceDeps, teamId: string, ref: QualifiedImageRef, platform?: Platform): Promise<ImageDefaults | null> {
  const session = await openImageSource(deps, teamId, ref.domain);
  const image = await resolveOutsideImage(session, ref, platform);
  const digest = image.manifest.json.config?.digest;
  if (typeof digest !== "string") return null;
  const res = await session.get(ref.path, `/blobs/${digest}`, { maxBodyBytes: CONFIG_MAX });
  if (res.status !== 200) return null;
  return imageDefaults(JSON.parse(res.body.toString("utf8")));
}

/** The config of an image the API just accepted (images/deployable-image.ts), wherever it lives. */
export async function deployableImageDefaults(
  deps: ImageSourceDeps & { registry: RegistryClient; hostStaleMs?: number },
  team: { id: string },
  image: DeployableImage,
): Promise<ImageDefaults | null> {
  if (image.outside) {
    const platform = deps.hostStaleMs !== undefined ? await hostsPlatform(deps.db, deps.hostStaleMs) : undefined;
    return outsideImageDefaults(
      { db: deps.db, encryptionKey: deps.encryptionKey, publicUrl: deps.publicUrl, registryCacheDir: deps.registryCacheDir },
      team.id,
      image.outside,
      platform,
    );
  }
  const ref = requireImageRef(image.ref);
  return berthImageDefaults(deps.registry, `${image.namespace}/${image.repository}`, ref.digest ?? ref.tag ?? "latest");
}
