// Pins a deployment's image to a digest. In Berth's registry (`127.0.0.1:5000/acme/web:2`): looks
// the reference up. In another registry (`docker.io/library/postgres:16`): resolves it there (the
// host's platform), copies the image into the team's namespace in Berth's registry (control's
// copy-outside-image.ts) and pins Berth's copy, so hosts pull only from Berth and a rollback never
// needs the upstream. Which images may be deployed was decided when the deployment was created
// (control's deployable-image.ts); this only resolves.

import { DeployError } from "@berth/control/deployments/deploy-error";
import type { ImageSourceDeps } from "@berth/control/registry/image-source";
import { type ImportTarget, importOutsideImage } from "@berth/control/registry/import-outside-image";
import { formatImageRef, parseImageRef, pinImageRef, qualifyImageRef, type RegistryAliases, repositoryIn } from "@berth/core/image-ref";
import type { Platform } from "@berth/core/platform";
import type { RegistryClient } from "@berth/core/registry/registry-client";

export type ResolvedImage = { repo: string; digest: string; imageRef: string; platform?: string };

/** What copying an image from another registry needs (absent: only Berth's registry is asked). */
export type OutsideImport = {
  source: ImageSourceDeps;
  team: { id: string; slug: string };
  target: ImportTarget;
  note?: (line: string) => Promise<void>;
  /** The platform to resolve a multi-platform image for: the hosts' (control's hosts-platform.ts). */
  platform?: () => Promise<Platform>;
  /** Called before Berth's registry is written to (garbage collection holds writes off meanwhile). */
  beforeImport?: () => Promise<void>;
};

export async function resolveImage(registry: RegistryClient, input: string, berth: RegistryAliases, outside?: OutsideImport): Promise<ResolvedImage> {
  const parsed = parseImageRef(input);
  if (!parsed.ok) throw new DeployError(parsed.error);
  const ref = qualifyImageRef(parsed.ref, berth);
  const repo = repositoryIn(ref, berth);
  if (repo === undefined) {
    if (!outside) throw new DeployError(`${input} is not in Berth's registry (${berth[0]}), where deployed images are looked up`);
    await outside.beforeImport?.();
    const { repo, digest, imageRef, platform } = await importOutsideImage(
      outside.source,
      outside.team,
      ref,
      outside.target,
      outside.note,
      await outside.platform?.(),
    );
    return { repo, digest, imageRef, platform };
  }
  const reference = ref.digest ?? ref.tag ?? "latest";
  const manifest = await registry.getManifest(repo, reference);
  if (!manifest) throw new DeployError(`image ${repo}${ref.digest ? "@" : ":"}${reference} is not in Berth's registry (push it, or check the tag)`);
  return { repo, digest: manifest.digest, imageRef: formatImageRef(pinImageRef(ref, manifest.digest)) };
}
