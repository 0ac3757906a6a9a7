// Labels under `berth.` are Berth's own (core/src/reserved-labels.ts). A build must not set them, or a step container (which carries
// the labels of the image it runs on) or the built image would pass for one of Berth's. Refused
// before the build (the Dockerfile's LABEL lines, its base images' labels) and checked once more on
// the built image, whatever way its labels got there.
import { RESERVED_LABEL_PREFIX, isReservedLabel as reserved, reservedLabels } from "@berth/core/reserved-labels";
import type Docker from "dockerode";
import { BuildFailure } from "./build-errors.ts";
import { asText, type Instruction, parseDockerfile } from "./parse-dockerfile.ts";

/** The keys a LABEL instruction sets, quotes and escapes removed (as written: `$VAR` stays). */
export function labelKeys(args: string): string[] {
  const words = args.match(/(?:"(?:[^"\\]|\\.)*"|'[^']*'|\\.|[^\s"'\\])+/g) ?? [];
  const clean = (w: string) => w.replace(/["'\\]/g, "");
  const first = words[0];
  if (first === undefined) return [];
  // `LABEL key value` (no `=` in the first word) sets one label; otherwise each word is key=value.
  if (!first.includes("=")) return [clean(first)];
  return words.map((w) => clean(w.slice(0, w.indexOf("=") < 0 ? w.length : w.indexOf("="))));
}

/** Why a Dockerfile may not be built for its labels, or undefined. */
export function dockerfileLabelRefusal(instructions: Instruction[], prefix = ""): string | undefined {
  for (const ins of instructions) {
    if (ins.command === "onbuild") {
      const inner = dockerfileLabelRefusal(parseDockerfile(Buffer.from(ins.args, "latin1")), "ONBUILD ");
      if (inner) return `line ${ins.line}: ${inner.replace(/^line \d+: /, "")}`;
    }
    if (ins.command !== "label") continue;
    for (const key of labelKeys(asText(ins.args))) {
      if (reserved(key)) return `line ${ins.line}: ${prefix}LABEL ${key}: labels starting with "${RESERVED_LABEL_PREFIX}" are reserved for Berth`;
      if (key.includes("$")) return `line ${ins.line}: ${prefix}LABEL ${key}: label names made from build arguments are not supported; write the name plainly`;
    }
  }
  return undefined;
}

/**
 * Throws a BuildFailure when the Dockerfile or one of its base images sets a `berth.` label. The
 * bases are read on the engine, where they were just pulled from Berth's registry (pull-base-images.ts).
 */
export async function checkBuildLabels(opts: { docker: Docker; dockerfile: Buffer; bases: { image: string; written: string }[] }): Promise<void> {
  const refusal = dockerfileLabelRefusal(parseDockerfile(opts.dockerfile));
  if (refusal) throw new BuildFailure(`Dockerfile ${refusal}`);
  for (const base of opts.bases) {
    const labels = await opts.docker
      .getImage(base.image)
      .inspect()
      .then((i) => i.Config?.Labels)
      .catch(() => undefined); // not on the engine: the FROM step says so in its own words
    const keys = reservedLabels(labels);
    if (keys.length)
      throw new BuildFailure(`${base.written}: the base image sets labels reserved for Berth (${keys.join(", ")}); build from an image without them`);
  }
}

/** After the build: the image must carry no `berth.` label (removed, and the build failed, if it does). */
export async function checkBuiltImageLabels(docker: Docker, imageId: string): Promise<void> {
  const image = docker.getImage(imageId);
  const keys = reservedLabels((await image.inspect()).Config?.Labels);
  if (!keys.length) return;
  await image.remove({ force: true }).catch(() => {});
  throw new BuildFailure(
    `the built image sets labels reserved for Berth (${keys.join(", ")}); labels starting with "${RESERVED_LABEL_PREFIX}" may not be set by a build`,
  );
}
