// Labels under `berth.` are Berth's own (core/src/reserved-labels.ts). A build must not set them, or a step container (which carries
// the labels of the image it runs on) or the built image would pass for one of Berth's. Refused
// before the build (the Dockerfile's LABEL lines, its base images' labels) and checked once more on
// the built image, whatever way its labels got there.
import { RESERVED_LABEL_PREFIX, isReservedLabel as reserved, reservedLabels } from "@berth/core/reserved-labels";
import type Docker from "dockerode";
import { BuildFailure } from "./build-errors.ts";
import { classifyReference, imageReferences } from "./check-base-images.ts";
import { asText, type Instruction, parseDockerfile } from "./parse-dockerfile.ts";
import { readContextDockerfile } from "./read-context-dockerfile.ts";

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

/** Throws a BuildFailure when the Dockerfile or one of its base images sets a `berth.` label. */
export async function checkBuildLabels(opts: { docker: Docker; contextPath: string; team: string; registryPort: number; signal?: AbortSignal }): Promise<void> {
  const dockerfile = await readContextDockerfile(opts.contextPath, opts.signal);
  if (!dockerfile) return;
  const instructions = parseDockerfile(dockerfile);
  const refusal = dockerfileLabelRefusal(instructions);
  if (refusal) throw new BuildFailure(`Dockerfile ${refusal}`);
  for (const ref of imageReferences(instructions)) {
    const verdict = classifyReference(ref, opts);
    if (ref.kind !== "from" || !("use" in verdict) || verdict.use !== "image") continue;
    const labels = await opts.docker
      .getImage(ref.word)
      .inspect()
      .then((i) => i.Config?.Labels)
      .catch(() => undefined); // not on the engine: the FROM step says so in its own words
    const keys = reservedLabels(labels);
    if (keys.length)
      throw new BuildFailure(`${ref.written}: the base image sets labels reserved for Berth (${keys.join(", ")}); build from an image without them`);
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
