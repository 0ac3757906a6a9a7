// A build FROM (or COPY --from) an image in another registry: the image is copied into the team's
// namespace in Berth's registry and pinned by digest, as for a deploy (control's
// import-outside-image.ts, through the team's image source: its credentials, the outbound policy),
// and the Dockerfile in the context is rewritten to name that copy. The engine then pulls only from
// Berth (pull-base-images.ts) and the build log says which copy stood for which image.
import type { ImageSourceDeps } from "@berth/control/registry/image-source";
import { type ImportTarget, importOutsideImage } from "@berth/control/registry/import-outside-image";
import { isAppError } from "@berth/core";
import { formatImageRef } from "@berth/core/image-ref";
import { BuildFailure } from "./build-errors.ts";
import type { AllowedImage, BaseImagePlan } from "./check-base-images.ts";
import { type ContextEdit, replaceContextDockerfile } from "./context-files.ts";
import { type Instruction, parseDockerfile } from "./parse-dockerfile.ts";
import { copyFromWith, fromWith, rewriteInstructions } from "./rewrite-dockerfile.ts";

export type ImportBaseImagesOptions = {
  source: ImageSourceDeps;
  team: { id: string; slug: string };
  target: ImportTarget;
  /** The context whose Dockerfile is rewritten. */
  context: ContextEdit;
  log: { write: (line: string) => Promise<unknown> };
};

/** Imports the plan's outside images and rewrites the context's Dockerfile to name the copies; returns how many were imported. */
export async function importBaseImages(opts: ImportBaseImagesOptions, plan: BaseImagePlan): Promise<number> {
  const outside = plan.images.filter((i) => i.verdict.use === "outside" && !i.ref.trigger);
  if (outside.length === 0) return 0;
  // One import per upstream reference, however often the Dockerfile names it.
  const copies = new Map<string, Promise<string>>();
  const pinnedOf = (image: AllowedImage): Promise<string> => {
    const key = formatImageRef(image.verdict.ref);
    let copy = copies.get(key);
    if (!copy) {
      copy = importOutsideImage(opts.source, opts.team, image.verdict.ref, opts.target, (line) => opts.log.write(line).then(() => {})).then(
        async (imported) => {
          await opts.log.write(`Using ${key} as ${imported.imageRef}`);
          return imported.imageRef;
        },
        (e: unknown) => {
          // Credentials, the outbound policy, a missing tag: the user's to fix, named by the instruction.
          throw isAppError(e) ? new BuildFailure(`${image.ref.written}: ${e.message}`) : e;
        },
      );
      copies.set(key, copy);
    }
    return copy;
  };

  const instructions = parseDockerfile(plan.dockerfile.content);
  const fromWords = new Map<number, { raw: string; image: string }>();
  const copyWords = new Map<number, Map<string, string>>();
  for (const image of outside) {
    const to = await pinnedOf(image);
    if (image.ref.kind === "from") fromWords.set(image.ref.index, { raw: image.ref.raw, image: to });
    else copyWords.set(image.ref.index, (copyWords.get(image.ref.index) ?? new Map()).set(image.ref.raw, to));
  }
  const replacements = new Map<number, string>();
  for (const [index, { raw, image }] of fromWords) replacements.set(index, fromWith(instructions[index] as Instruction, raw, image));
  for (const [index, images] of copyWords) replacements.set(index, copyFromWith(instructions[index] as Instruction, images));
  await replaceContextDockerfile(opts.context, plan.dockerfile.path, rewriteInstructions(plan.dockerfile.content, replacements));
  return copies.size;
}
