// Brings an image from another registry into Berth's: resolves the reference for the hosts'
// platform (resolve-outside-image.ts), copies it into the team's namespace (copy-outside-image.ts)
// and returns Berth's copy pinned by digest. Deploys (worker/src/deploys/resolve-image.ts) and
// builds that start FROM such an image use it, so hosts and build engines pull only from Berth.
import { formatImageRef, type QualifiedImageRef } from "@berth/core/image-ref";
import type { Platform } from "@berth/core/platform";
import { type BerthRegistryTarget, copyOutsideImage, importedRepository } from "./copy-outside-image.ts";
import { type ImageSourceDeps, openImageSource } from "./image-source.ts";
import { resolveOutsideImage } from "./resolve-outside-image.ts";

export type ImportedImage = {
  /** The repository in Berth's registry: `acme/imported/docker.io/library/postgres`. */
  repo: string;
  /** The digest of Berth's copy (the image manifest for the hosts' platform). */
  digest: string;
  /** `<Berth's registry>/<repo>@<digest>`. */
  imageRef: string;
  /** `linux/amd64`. */
  platform: string;
};

export type ImportTarget = BerthRegistryTarget & {
  /** Berth's registry as stored in references (`127.0.0.1:5000`). */
  stored: string;
};

export async function importOutsideImage(
  deps: ImageSourceDeps,
  team: { id: string; slug: string },
  ref: QualifiedImageRef,
  target: ImportTarget,
  note?: (line: string) => Promise<void>,
  /** The hosts' platform (control's hosts/hosts-platform.ts); this process's when not given. */
  platform?: Platform,
): Promise<ImportedImage> {
  const session = await openImageSource(deps, team.id, ref.domain);
  const image = await resolveOutsideImage(session, ref, platform);
  const repo = importedRepository(team.slug, ref.domain, ref.path);
  await note?.(`Copying ${formatImageRef(ref)} (${image.platform}, ${image.manifest.digest}) into ${target.stored}/${repo}`);
  const digest = await copyOutsideImage(session, ref, image, target, repo);
  return { repo, digest, imageRef: `${target.stored}/${repo}@${digest}`, platform: image.platform };
}
