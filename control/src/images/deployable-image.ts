// Which images Berth deploys: the one policy behind every request that stores an image reference
// (app create and update, deploy), applied before anything is stored or queued, so a refused image
// never reaches the worker. A reference naming no registry is on Docker Hub, as for the docker CLI
// (`postgres:16`). Images in Berth's own registry (under any of its names, `127.0.0.1:5000/acme/web`):
// in the team's namespace, the base images under `berth/`, or another team's public repository.
// Images in another registry: checked there before anything is queued (the reference exists, the
// team's credential for that registry works, the outbound policy allows the registry); at deploy
// the worker copies them into Berth's registry (worker/src/deploys/resolve-image.ts).
import { AppError } from "@berth/core";
import {
  formatImageRef,
  type ImageRef,
  type QualifiedImageRef,
  qualifyImageRef,
  type RegistryAliases,
  repositoryIn,
  requireImageRef,
} from "@berth/core/image-ref";
import { SYSTEM_NAMESPACE } from "@berth/core/registry/grant";
import type { Db } from "@berth/db";
import { hostsPlatform } from "../hosts/hosts-platform.ts";
import { openImageSource } from "../registry/image-source.ts";
import { resolveOutsideImage } from "../registry/resolve-outside-image.ts";

export type DeployableImage = {
  /** What is stored and later resolved: `127.0.0.1:<port>/acme/web:1`. */
  ref: string;
  namespace: string;
  /** The path inside the namespace: `web`, or `group/web`. */
  repository: string;
  /** In another team's namespace: only that repository's public flag allows it (`assertTeamMayPull`). */
  othersRepository: boolean;
  /** In another registry (copied into Berth's at deploy); `namespace` and `repository` are then unset (""). */
  outside?: QualifiedImageRef;
};

/** The stored form of `ref` for `team`, or a BAD_REQUEST saying what to do instead. */
export function deployableImage(ref: ImageRef, team: { slug: string }, registry: RegistryAliases): DeployableImage {
  const qualified = qualifyImageRef(ref, registry);
  const path = repositoryIn(qualified, registry);
  if (path === undefined) return { ref: formatImageRef(qualified), namespace: "", repository: "", othersRepository: false, outside: qualified };
  const slash = path.indexOf("/");
  if (slash === -1) {
    throw new AppError(
      "BAD_REQUEST",
      `"${formatImageRef(ref)}" names no namespace: images in Berth's registry are ${registry[0]}/<team>/<repository>[:tag], e.g. ${formatImageRef({ ...qualified, path: `${team.slug}/${path}` })}`,
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

/** An image in another registry: it must exist there and be readable with the team's credential (or anonymously), through the outbound policy. */
export async function assertOutsideImageReadable(
  db: Db,
  team: { id: string },
  ref: QualifiedImageRef,
  opts: { publicUrl?: string; encryptionKey: string; hostStaleMs?: number; registryCacheDir?: string },
): Promise<void> {
  // For the platform the deploy will pick (the hosts'), so an image without it is refused here.
  const platform = opts.hostStaleMs !== undefined ? await hostsPlatform(db, opts.hostStaleMs) : undefined;
  await resolveOutsideImage(
    await openImageSource({ db, publicUrl: opts.publicUrl, encryptionKey: opts.encryptionKey, registryCacheDir: opts.registryCacheDir }, team.id, ref.domain),
    ref,
    platform,
  );
}

/** What a user typed, checked in full: the reference to store, or an AppError (400 or 403) to answer. */
export async function resolveDeployableImage(
  db: Db,
  team: { id: string; slug: string },
  input: string,
  registry: RegistryAliases,
  opts: { publicUrl?: string; encryptionKey: string; hostStaleMs?: number; registryCacheDir?: string },
): Promise<DeployableImage> {
  const image = deployableImage(requireImageRef(input), team, registry);
  if (image.outside) await assertOutsideImageReadable(db, team, image.outside, opts);
  else await assertTeamMayPull(db, team, image);
  return image;
}
