// Which images Berth deploys: the one policy behind every request that stores an image reference
// (app create and update, deploy), applied before anything is stored or queued, so a refused image
// never reaches the worker. For now: images in Berth's own registry (under any of its names), in
// the team's namespace, the base images under `berth/`, or another team's public repository.
import { AppError } from "@berth/core";
import { formatImageRef, type ImageRef, qualifyImageRef, type RegistryAliases, repositoryIn, requireImageRef } from "@berth/core/image-ref";
import { SYSTEM_NAMESPACE } from "@berth/core/registry/grant";
import type { Db } from "@berth/db";

export type DeployableImage = {
  /** What is stored and later resolved: `127.0.0.1:<port>/acme/web:1`. */
  ref: string;
  namespace: string;
  /** The path inside the namespace: `web`, or `group/web`. */
  repository: string;
  /** In another team's namespace: only that repository's public flag allows it (`assertTeamMayPull`). */
  othersRepository: boolean;
};

/** The stored form of `ref` for `team`, or a BAD_REQUEST saying what to do instead. */
export function deployableImage(ref: ImageRef, team: { slug: string }, registry: RegistryAliases): DeployableImage {
  const qualified = qualifyImageRef(ref, registry);
  const path = repositoryIn(qualified, registry);
  if (path === undefined) {
    const name = qualified.path.slice(qualified.path.lastIndexOf("/") + 1);
    throw new AppError(
      "BAD_REQUEST",
      `${formatImageRef(ref)} is in another registry (${qualified.domain}): Berth deploys images from its own registry for now; push it to ${registry[0]}/${team.slug}/${name}:${ref.tag ?? "latest"} first`,
    );
  }
  const slash = path.indexOf("/");
  if (slash === -1) {
    throw new AppError(
      "BAD_REQUEST",
      `"${formatImageRef(ref)}" names no namespace: images in Berth's registry are <team>/<repository>[:tag], e.g. ${team.slug}/${path}:${ref.tag ?? "latest"}`,
    );
  }
  const namespace = path.slice(0, slash);
  return {
    ref: formatImageRef(qualified),
    namespace,
    repository: path.slice(slash + 1),
    othersRepository: namespace !== team.slug && namespace !== SYSTEM_NAMESPACE,
  };
}

/** Another team's repository must be public; whether a private one exists is not said. */
export async function assertTeamMayPull(db: Db, team: { slug: string }, image: DeployableImage): Promise<void> {
  if (!image.othersRepository) return;
  const repo = await db.imageRepository.findFirst({ where: { name: image.repository, team: { slug: image.namespace } }, select: { public: true } });
  if (repo?.public) return;
  throw new AppError(
    "FORBIDDEN",
    `team ${team.slug} may not pull ${image.ref}: it is not in ${team.slug}/ or ${SYSTEM_NAMESPACE}/ and is not a public repository; push it to ${team.slug}/… or have its owners make it public`,
  );
}

/** What a user typed, checked in full: the reference to store, or an AppError (400 or 403) to answer. */
export async function resolveDeployableImage(db: Db, team: { slug: string }, input: string, registry: RegistryAliases): Promise<DeployableImage> {
  const image = deployableImage(requireImageRef(input), team, registry);
  await assertTeamMayPull(db, team, image);
  return image;
}
