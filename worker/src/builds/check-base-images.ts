// Checks every image a build can reach before the build starts. Builds run with `pull: false`, so
// the engine would use any image that happens to be on it, another team's private one included;
// this check is what stops that. Reached images: FROM lines, COPY --from, ONBUILD COPY --from (run
// by a later stage that builds FROM this one) and the ONBUILD triggers stored in the base images
// themselves. An image in Berth's registry must be pullable by the team: `berth/…`, the team's own
// namespace, or a repository marked public — the registry's own rules for a pull. An image in
// another registry is allowed: it is copied into the team's namespace and the Dockerfile is made
// to name that copy (import-base-images.ts), except in ONBUILD triggers, which are refused.
// Every allowed image is then pulled from Berth's registry onto the engine (pull-base-images.ts).
import {
  berthRegistryAliases,
  formatImageRef,
  isSameRegistry,
  normalizeImageRef,
  parseImageRef,
  type QualifiedImageRef,
  repositoryIn,
} from "@berth/core/image-ref";
import { SYSTEM_NAMESPACE } from "@berth/core/registry/grant";
import type { Db } from "@berth/db";
import type Docker from "dockerode";
import { expandFrom, metaArgs } from "./build-args.ts";
import { BuildFailure } from "./build-errors.ts";
import { refuseBuildKitOnly } from "./buildkit-only.ts";
import { asText, type Instruction, parseDockerfile, splitWords } from "./parse-dockerfile.ts";
import { DEFAULT_DOCKERFILE, dockerfilePath, findContextDockerfile } from "./read-context-dockerfile.ts";
import { refuseRemoteAddSources } from "./remote-add-sources.ts";

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

type Stages = { names: ReadonlySet<string>; count: number };

export type ImageReference = {
  /** The instruction as written, for messages: `FROM x`, `COPY --from=x`, `ONBUILD COPY --from=x`. */
  written: string;
  kind: "from" | "copy";
  /** The image (or stage) word, as the parser returned it (FROM's after expanding build arguments). */
  word: string;
  /** The word as written (FROM's before expansion): what a rewrite replaces. */
  raw: string;
  /** The instruction's index in the parsed Dockerfile (for ONBUILD, of the ONBUILD instruction). */
  index: number;
  /** Stored or run as an ONBUILD trigger. */
  trigger: boolean;
  /** The stages finished before this instruction runs: what a stage name or index can mean there. */
  stages: Stages;
};

/** A word for a message: as text, and short (the message is stored on the build row). */
const shown = (word: string) => {
  const text = asText(word);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
};

/** Every image reference of a parsed Dockerfile (or of ONBUILD triggers, given the stages before them). */
export function imageReferences(
  instructions: Instruction[],
  earlier: Stages = { names: new Set(), count: 0 },
  prefix = "",
  buildArgs: Readonly<Record<string, string>> = {},
): ImageReference[] {
  // FROM's image word is expanded with the global ARGs and the app's build arguments, as the engine does.
  const env = metaArgs(instructions, buildArgs);
  // The engine makes a stage nameable (and numbered) only once it is finished: within a stage, its
  // own name still means an image, which could be any image on the engine whose id starts that way.
  const names = new Set(earlier.names);
  let count = earlier.count;
  let current: { name?: string } | undefined;
  const finished = (): Stages => ({ names: new Set(names), count });
  const out: ImageReference[] = [];
  const trigger = prefix !== "";
  for (const [index, ins] of instructions.entries()) {
    switch (ins.command) {
      case "from": {
        if (current) {
          if (current.name) names.add(current.name);
          count++;
        }
        const words = splitWords(ins.args);
        const [word, as, name] = words;
        current = {};
        if (word === undefined) break;
        const image = expandFrom(ins, word, env);
        const written = image === word ? shown(word) : `${shown(word)} (${shown(image)})`;
        out.push({ written: `${prefix}FROM ${written}`, kind: "from", word: image, raw: word, index, trigger, stages: finished() });
        // Only a name the engine would accept becomes a stage; anything else is checked as an image.
        const stage = name?.toLowerCase();
        if (words.length === 3 && as?.toLowerCase() === "as" && stage && STAGE_NAME.test(stage)) current.name = stage;
        break;
      }
      case "copy":
      case "add":
        for (const flag of ins.flags) {
          if (!flag.toLowerCase().startsWith("--from=")) continue;
          const word = flag.slice("--from=".length);
          out.push({
            written: `${prefix}${ins.command.toUpperCase()} --from=${shown(word)}`,
            kind: "copy",
            word,
            raw: word,
            index,
            trigger,
            stages: finished(),
          });
        }
        break;
      case "onbuild": {
        // The engine stores the trigger's text and parses it afresh when a later stage (or build)
        // runs it: by then this stage is finished too.
        const then = current ? { names: new Set([...names, ...(current.name ? [current.name] : [])]), count: count + 1 } : finished();
        const inner = imageReferences(parseDockerfile(Buffer.from(ins.args, "latin1")), then, `${prefix}ONBUILD `);
        out.push(...inner.map((r) => ({ ...r, index, trigger: true })));
        break;
      }
    }
  }
  return out;
}

export type Verdict =
  /** A stage of this build, or `scratch`: nothing to pull. */
  | { use: "none" }
  /** An image in Berth's registry; `ask` when only the repository's public flag can allow it. `ref`: as written, normalised. */
  | { use: "image"; namespace: string; name: string; ask: boolean; ref: QualifiedImageRef }
  /** An image in another registry (normalised as the engine reads it: `node:20` is `docker.io/library/node:20`). */
  | { use: "outside"; ref: QualifiedImageRef }
  | { refused: string };

/** What a reference means for a team's build, as far as it can be told without the database. */
export function classifyReference(ref: ImageReference, opts: { team: string; registryPort: number }): Verdict {
  const { word, stages } = ref;
  const registryHost = `127.0.0.1:${opts.registryPort}`;
  // FROM's word is already expanded (a `$` left is literal, as in the engine). COPY --from is never
  // expanded by the classic builder: `$X` there is a name the engine refuses too.
  if (word.includes("$")) {
    return ref.kind === "from"
      ? { refused: "not a valid image reference" }
      : { refused: "the classic builder does not expand build arguments in COPY --from; name the image or stage directly" };
  }
  if (/^[\x21-\x7e]+$/.test(word) && stages.names.has(word.toLowerCase())) return { use: "none" };
  if (ref.kind === "copy" && /^\d+$/.test(word) && Number(word) < stages.count) return { use: "none" };
  if (ref.kind === "from" && word === "scratch") return { use: "none" };
  if (/["'\\`]/.test(word)) return { refused: "write the image name plainly, without quotes or escapes" };

  const berth = berthRegistryAliases(opts.registryPort);
  const invalid = { refused: `not a valid image name in Berth's registry (${registryHost}/<team>/<name>:<tag>)` };
  const parsed = parseImageRef(word);
  if (!parsed.ok) {
    const { domain } = parsed;
    return domain !== undefined && berth.some((alias) => isSameRegistry(domain, alias)) ? invalid : { refused: parsed.error };
  }
  // Read as the engine reads it: a name without a registry is on Docker Hub.
  const image = normalizeImageRef(parsed.ref);
  const path = repositoryIn(image, berth);
  if (path === undefined) {
    // A trigger's text is stored in the image and run by later builds: it is not rewritten to a pinned copy.
    if (ref.trigger)
      return {
        refused: `an ONBUILD trigger cannot use ${formatImageRef(image)}: Berth copies images from other registries for the Dockerfile's own FROM and COPY --from, but a trigger is kept in the image as written; push the image to ${registryHost}/<team>/<name>:<tag> and name that`,
      };
    return { use: "outside", ref: image };
  }
  const slash = path.indexOf("/");
  if (slash === -1) return invalid;
  const namespace = path.slice(0, slash);
  return { use: "image", namespace, name: path.slice(slash + 1), ask: namespace !== SYSTEM_NAMESPACE && namespace !== opts.team, ref: image };
}

export type CheckBaseImagesOptions = {
  db: Db;
  /** The uploaded context: a tar, gzipped or not. */
  contextPath: string;
  /** The building team's slug. */
  team: string;
  registryPort: number;
  /** Aborts the read of a large context (a cancelled build). */
  signal?: AbortSignal;
  /** The app's build arguments (`buildargs` of the Engine's /build). */
  buildArgs?: Readonly<Record<string, string>>;
  /** The app's `dockerfile` setting; `Dockerfile` when unset. */
  dockerfile?: string;
};

/** An image the build reaches, allowed for the team. */
export type AllowedImage = { ref: ImageReference; verdict: Extract<Verdict, { use: "image" | "outside" }> };

export type BaseImagePlan = {
  /** The Dockerfile as read, and where (`dockerfile` when only that exists). */
  dockerfile: { content: Buffer; path: string };
  /** Every image reference of the Dockerfile itself (FROM, COPY --from; ONBUILD ones only if in Berth's registry). */
  images: AllowedImage[];
};

/** Reads the Dockerfile and throws a BuildFailure naming the first image the team may not build from. */
export async function checkBaseImages(opts: CheckBaseImagesOptions): Promise<BaseImagePlan> {
  const found = await findContextDockerfile(opts.contextPath, opts.signal, opts.dockerfile);
  if (!found) {
    const path = dockerfilePath(opts.dockerfile);
    throw new BuildFailure(path === DEFAULT_DOCKERFILE ? "no Dockerfile at the root of the build context" : `no Dockerfile at ${path} in the build context`);
  }
  const instructions = parseDockerfile(found.content);
  // Before anything else: the classic builder would fail on these with a message that does not say why.
  refuseBuildKitOnly(instructions, found.content);
  // Not an image, but checked here for the same reason: the engine would fetch it before any step runs.
  refuseRemoteAddSources(found.content);

  const allow = imageAllowance(opts);
  const images: AllowedImage[] = [];
  for (const ref of imageReferences(instructions, undefined, "", opts.buildArgs)) {
    const verdict = await allow(ref);
    if ("refused" in verdict) throw new BuildFailure(`${ref.written}: ${verdict.refused}`);
    if (verdict.use !== "none") images.push({ ref, verdict });
  }
  return { dockerfile: found, images };
}

/** What a reference means for the team, with the public flag asked when it decides (answers cached). */
export function imageAllowance(opts: { db: Db; team: string; registryPort: number }) {
  const publicRepos = new Map<string, Promise<boolean>>();
  return async (ref: ImageReference): Promise<Verdict> => {
    const verdict = classifyReference(ref, opts);
    if ("refused" in verdict || verdict.use !== "image" || !verdict.ask) return verdict;
    const key = `${verdict.namespace}/${verdict.name}`;
    if (!publicRepos.has(key)) publicRepos.set(key, isPublic(opts.db, verdict.namespace, verdict.name));
    // One answer whether the repository is private or absent: a build must not learn which.
    return (await publicRepos.get(key)) ? verdict : { refused: "your team may not use this image (it is private to another team, or does not exist)" };
  };
}

/**
 * A base image's own ONBUILD triggers run in this build too, and any team can push an image that
 * carries some: checked once the bases are on the engine (pulled from Berth's registry). Returns
 * the images in Berth's registry the triggers copy from (to be pulled as well).
 */
export async function checkOnBuildTriggers(
  opts: { db: Db; docker: Docker; team: string; registryPort: number },
  bases: { image: string; ref: ImageReference }[],
): Promise<AllowedImage[]> {
  const allow = imageAllowance(opts);
  const out: AllowedImage[] = [];
  for (const base of bases) {
    for (const trigger of await onBuildTriggers(opts.docker, base.image)) {
      refuseRemoteAddSources(trigger, `${base.ref.written}: its ONBUILD trigger `);
      for (const ref of imageReferences(parseDockerfile(trigger), base.ref.stages)) {
        const verdict = await allow({ ...ref, trigger: true });
        if ("refused" in verdict) throw new BuildFailure(`${base.ref.written}: its ONBUILD trigger ${ref.written}: ${verdict.refused}`);
        if (verdict.use !== "none") out.push({ ref, verdict });
      }
    }
  }
  return out;
}

async function isPublic(db: Db, namespace: string, name: string): Promise<boolean> {
  const repo = await db.imageRepository.findFirst({ where: { name, team: { slug: namespace } }, select: { public: true } });
  return repo?.public === true;
}

async function onBuildTriggers(docker: Docker, image: string): Promise<string[]> {
  try {
    const triggers: unknown = (await docker.getImage(image).inspect()).Config?.OnBuild;
    return Array.isArray(triggers) ? triggers.filter((t): t is string => typeof t === "string") : [];
  } catch (e) {
    // Not on the engine: the build's FROM step fails on its own, as "not found".
    if ((e as { statusCode?: unknown }).statusCode === 404) return [];
    throw e;
  }
}
