// Pins a deployment's image to a digest: looks the stored reference (`127.0.0.1:5000/acme/web:2`)
// up in Berth's registry. Which images may be deployed was decided when the deployment was
// created (control's deployable-image.ts); this only resolves.

import { DeployError } from "@berth/control/deployments/deploy-error";
import { formatImageRef, parseImageRef, pinImageRef, qualifyImageRef, type RegistryAliases, repositoryIn } from "@berth/core/image-ref";
import type { RegistryClient } from "@berth/core/registry/registry-client";

export type ResolvedImage = { repo: string; digest: string; imageRef: string };

export async function resolveImage(registry: RegistryClient, input: string, berth: RegistryAliases): Promise<ResolvedImage> {
  const parsed = parseImageRef(input);
  if (!parsed.ok) throw new DeployError(parsed.error);
  const ref = qualifyImageRef(parsed.ref, berth);
  const repo = repositoryIn(ref, berth);
  // Only Berth's registry can be asked (and hosts pull only from it).
  if (repo === undefined) throw new DeployError(`${input} is not in Berth's registry (${berth[0]}), where deployed images are looked up`);
  const reference = ref.digest ?? ref.tag ?? "latest";
  const manifest = await registry.getManifest(repo, reference);
  if (!manifest) throw new DeployError(`image ${repo}${ref.digest ? "@" : ":"}${reference} is not in Berth's registry (push it, or check the tag)`);
  return { repo, digest: manifest.digest, imageRef: formatImageRef(pinImageRef(ref, manifest.digest)) };
}
