// Pins a deployment's image to a digest. In Berth's registry (`127.0.0.1:5000/acme/web:2`): looks
// the reference up. In another registry (`docker.io/library/postgres:16`): resolves it there (the
// host's platform), copies the image into the team's namespace in Berth's registry (control's
// copy-outside-image.ts) and pins Berth's copy, so hosts pull only from Berth and a rollback never
// needs the upstream. Which images may be deployed was decided when the deployment was created
// (control's deployable-image.ts); this only resolves.

import { DeployError } from "@berth/control/deployments/deploy-error";
import { loadOutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { type BerthRegistryTarget, copyOutsideImage, importedRepository } from "@berth/control/registry/copy-outside-image";
import { outsideSession, type RegistryCredential } from "@berth/control/registry/outside-session";
import { resolveOutsideImage } from "@berth/control/registry/resolve-outside-image";
import { formatImageRef, parseImageRef, pinImageRef, qualifyImageRef, type RegistryAliases, repositoryIn } from "@berth/core/image-ref";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db } from "@berth/db";

export type ResolvedImage = { repo: string; digest: string; imageRef: string };

/** What copying an image from another registry needs (absent: only Berth's registry is asked). */
export type OutsideImport = {
  db: Db;
  publicUrl?: string;
  team: string;
  target: BerthRegistryTarget;
  credential: (registry: string) => Promise<RegistryCredential | undefined>;
  note?: (line: string) => Promise<void>;
};

export async function resolveImage(registry: RegistryClient, input: string, berth: RegistryAliases, outside?: OutsideImport): Promise<ResolvedImage> {
  const parsed = parseImageRef(input);
  if (!parsed.ok) throw new DeployError(parsed.error);
  const ref = qualifyImageRef(parsed.ref, berth);
  const repo = repositoryIn(ref, berth);
  if (repo === undefined) {
    if (!outside) throw new DeployError(`${input} is not in Berth's registry (${berth[0]}), where deployed images are looked up`);
    const session = outsideSession(await loadOutboundPolicy(outside.db, { publicUrl: outside.publicUrl }), ref.domain, await outside.credential(ref.domain));
    const image = await resolveOutsideImage(session, ref);
    const target = importedRepository(outside.team, ref.domain, ref.path);
    await outside.note?.(`Copying ${formatImageRef(ref)} (${image.platform}, ${image.manifest.digest}) into ${berth[0]}/${target}`);
    const digest = await copyOutsideImage(session, ref, image, outside.target, target);
    return { repo: target, digest, imageRef: `${berth[0]}/${target}@${digest}` };
  }
  const reference = ref.digest ?? ref.tag ?? "latest";
  const manifest = await registry.getManifest(repo, reference);
  if (!manifest) throw new DeployError(`image ${repo}${ref.digest ? "@" : ":"}${reference} is not in Berth's registry (push it, or check the tag)`);
  return { repo, digest: manifest.digest, imageRef: formatImageRef(pinImageRef(ref, manifest.digest)) };
}
