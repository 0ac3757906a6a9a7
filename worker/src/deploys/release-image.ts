// What a release's image says about itself (HEALTHCHECK, EXPOSE, platform: core's image-config.ts),
// read from its config in Berth's registry: every release image is there, pinned by digest (built,
// pushed, or copied from another registry).
import { DeployError } from "@berth/control/deployments/deploy-error";
import { berthImageDefaults } from "@berth/control/images/image-defaults";
import type { ImageDefaults } from "@berth/core/image-config";
import { berthRegistryAliases, parseImageRef, qualifyImageRef, repositoryIn } from "@berth/core/image-ref";
import type { JobContext } from "../jobs/context.ts";

export async function releaseImageDefaults(ctx: JobContext, image: { imageRef: string; digest: string | null }): Promise<ImageDefaults | null> {
  const parsed = parseImageRef(image.imageRef);
  if (!parsed.ok) return null;
  const aliases = berthRegistryAliases(ctx.config.BERTH_REGISTRY_PORT);
  const ref = qualifyImageRef(parsed.ref, aliases);
  const repo = repositoryIn(ref, aliases);
  if (repo === undefined) return null;
  try {
    return await berthImageDefaults(ctx.registry, repo, image.digest ?? ref.digest ?? ref.tag ?? "latest");
  } catch (err) {
    throw new DeployError(`could not read the image's config from Berth's registry: ${(err as Error).message}`);
  }
}
