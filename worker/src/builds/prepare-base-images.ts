// Everything between a build's context and the engine's /build, for the images it uses: the
// check of what the team may use (check-base-images.ts), the copy of other registries' images
// into Berth's and the Dockerfile made to name those copies (import-base-images.ts), the check once
// more on the Dockerfile as rewritten (the one the engine reads), the pull of every image from
// Berth's registry onto the engine (pull-base-images.ts), then what only the pulled images can
// tell: their ONBUILD triggers and their labels.
import type { ImageSourceDeps } from "@berth/control/registry/image-source";
import type { ImportTarget } from "@berth/control/registry/import-outside-image";
import { formatImageRef } from "@berth/core/image-ref";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { Db } from "@berth/db";
import type Docker from "dockerode";
import { type AllowedImage, type CheckBaseImagesOptions, checkBaseImages, checkOnBuildTriggers } from "./check-base-images.ts";
import { checkBuildLabels } from "./check-labels.ts";
import type { ContextEdit } from "./context-files.ts";
import { importBaseImages } from "./import-base-images.ts";
import { type BaseImagePull, pullBaseImages } from "./pull-base-images.ts";

export type PrepareBaseImagesOptions = {
  db: Db;
  docker: Docker;
  context: ContextEdit;
  team: { id: string; slug: string };
  registry: { port: number; service: string };
  tokenKeys: () => TokenKeys;
  source: ImageSourceDeps;
  target: ImportTarget;
  log: { write: (line: string) => Promise<unknown> };
  buildArgs?: Readonly<Record<string, string>>;
  /** The app's `dockerfile` setting. */
  dockerfile?: string;
  /** Called before images are copied into Berth's registry (a write: garbage collection must not run meanwhile). */
  beforeImport?: () => Promise<void>;
};

/** Returns the Dockerfile's path in the context (what the engine is told to read). */
export async function prepareBaseImages(opts: PrepareBaseImagesOptions): Promise<string> {
  const check: CheckBaseImagesOptions = {
    db: opts.db,
    contextPath: opts.context.contextPath,
    team: opts.team.slug,
    registryPort: opts.registry.port,
    signal: opts.context.signal,
    buildArgs: opts.buildArgs,
    dockerfile: opts.dockerfile,
  };
  const first = await checkBaseImages(check);
  const outside = (plan: typeof first) => plan.images.filter((i) => i.verdict.use === "outside" && !i.ref.trigger);
  let plan = first;
  if (outside(first).length > 0) {
    await opts.beforeImport?.();
    await importBaseImages({ source: opts.source, team: opts.team, target: opts.target, context: opts.context, log: opts.log }, first);
    plan = await checkBaseImages(check);
    // Not the user's doing: the rewrite missed one.
    if (outside(plan).length > 0) throw new Error(`the rewritten Dockerfile still names ${outside(plan)[0]?.ref.written}`);
  }

  const pulls = { docker: opts.docker, tokenKeys: opts.tokenKeys, registry: opts.registry, log: opts.log, signal: opts.context.signal };
  // Images named by ONBUILD instructions of this Dockerfile run only in later builds: not pulled for this one.
  const used = plan.images.filter((i) => !i.ref.trigger).map(toPull);
  await pullBaseImages(pulls, used);
  const bases = used.filter((u) => u.kind === "from").map((u) => ({ image: formatImageRef(u.ref), written: u.written, ref: u.source }));
  const triggers = await checkOnBuildTriggers({ db: opts.db, docker: opts.docker, team: opts.team.slug, registryPort: opts.registry.port }, bases);
  await pullBaseImages(pulls, triggers.map(toPull));
  await checkBuildLabels({ docker: opts.docker, dockerfile: plan.dockerfile.content, bases });
  return plan.dockerfile.path;
}

function toPull(image: AllowedImage): BaseImagePull & { kind: "from" | "copy"; source: AllowedImage["ref"] } {
  if (image.verdict.use !== "image") throw new Error(`${image.ref.written} is not in Berth's registry`);
  return { ref: image.verdict.ref, repo: image.verdict.ref.path, written: image.ref.written, kind: image.ref.kind, source: image.ref };
}
