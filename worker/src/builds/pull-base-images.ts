// Puts the images a build uses onto its engine, from Berth's registry: builds run with
// `pull: false` (so the engine cannot fetch past the checks), which would otherwise use whatever
// the engine happens to have under a name, stale or planted. Each pull carries a registry token
// for exactly that repository, pull only; an image pinned by digest that the engine already has is
// exactly that image and is not pulled again.
import { registryAuth } from "@berth/control/registry/registry-auth";
import { formatImageRef, type QualifiedImageRef } from "@berth/core/image-ref";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type Docker from "dockerode";
import { BuildFailure, engineAnswered, engineMessage } from "./build-errors.ts";
import { readProgress } from "./json-stream.ts";

export type PullBaseImagesOptions = {
  docker: Docker;
  tokenKeys: () => TokenKeys;
  registry: { port: number; service: string };
  log: { write: (line: string) => Promise<unknown> };
  signal?: AbortSignal;
};

/** One image to pull: the reference the Dockerfile names (after rewriting), its repository in Berth's registry, the instruction for messages. */
export type BaseImagePull = { ref: QualifiedImageRef; repo: string; written: string };

export async function pullBaseImages(opts: PullBaseImagesOptions, images: BaseImagePull[]): Promise<void> {
  const seen = new Set<string>();
  for (const image of images) {
    const name = formatImageRef(image.ref);
    if (seen.has(name)) continue;
    seen.add(name);
    await pullOne(opts, image, name);
  }
}

async function pullOne(opts: PullBaseImagesOptions, image: BaseImagePull, name: string): Promise<void> {
  // The name as the Dockerfile writes it (an alias of Berth's registry stays an alias): the engine looks it up by that name.
  const repository = formatImageRef({ domain: image.ref.domain, path: image.ref.path });
  // An empty tag would pull every tag of the repository: always name one.
  const tag = image.ref.digest ?? image.ref.tag ?? "latest";
  if (image.ref.digest && (await hasImage(opts.docker, name))) return;
  await opts.log.write(`Pulling ${name} from Berth's registry`);
  const auth = registryAuth(opts.tokenKeys(), opts.registry, image.repo, ["pull"]);
  let error: string | undefined;
  try {
    const stream = await opts.docker.createImage(auth, { fromImage: repository, tag, abortSignal: opts.signal });
    for await (const m of readProgress(stream as AsyncIterable<Buffer>)) if (m.error || m.errorDetail) error = m.errorDetail?.message ?? m.error;
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof BuildFailure ? opts.signal.reason : new BuildFailure("build cancelled", "cancelled");
    if (!engineAnswered(e)) throw e;
    error = engineMessage(e);
  }
  if (error === undefined) return;
  if (/manifest unknown|not found|name unknown|does not exist/i.test(error))
    throw new BuildFailure(`${image.written}: ${name} is not in Berth's registry (push it, or check the tag)`);
  // Berth's registry refusing or failing its own token is not the user's to fix: retried as an infrastructure error.
  throw new Error(`pulling ${name} from Berth's registry failed: ${error}`);
}

async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}
