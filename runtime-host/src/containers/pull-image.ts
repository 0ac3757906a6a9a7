// Pull an image from Berth's registry with a registry token the worker minted for exactly this
// repository. The engine sends the token to the registry as-is (AuthConfig.RegistryToken).
import { AppError } from "@berth/core";
import type { registryAuth } from "@berth/core/host-jobs";
import { formatImageRef, requireImageRef } from "@berth/core/image-ref";
import type Docker from "dockerode";
import type { z } from "zod";
import { engineMessage, readEngineStream, refusedByRegistry } from "./engine-stream.ts";

export type RegistryAuth = z.infer<typeof registryAuth>;

/** `host:5000/team/app:3` -> repository and tag (or digest); no tag means `latest`. */
export function splitImageRef(input: string): { repository: string; tag: string } {
  const ref = requireImageRef(input);
  return { repository: formatImageRef({ domain: ref.domain, path: ref.path }), tag: ref.digest ?? ref.tag ?? "latest" };
}

export async function pullImage(docker: Docker, ref: string, auth: RegistryAuth): Promise<void> {
  const { repository, tag } = splitImageRef(ref);
  // A reference pinned by digest cannot have moved: if the engine has it, it has exactly it.
  // (Who may use which image is decided before a job is sent: web checks the caller, the worker pins.)
  if (tag.startsWith("sha256:") && (await hasImage(docker, ref))) return;
  try {
    // An empty tag would pull every tag of the repository: always name one.
    const authconfig = { serveraddress: auth.serveraddress, registrytoken: auth.registrytoken };
    const stream = await docker.createImage(authconfig, { fromImage: repository, tag });
    await readEngineStream(stream);
  } catch (err) {
    throw pullError(ref, engineMessage(err));
  }
}

// The engine reports registry refusals either as the HTTP status of the pull or as an error
// line in its stream; both carry the registry's words, which decide what the caller is told.
function pullError(ref: string, message: string): Error {
  if (refusedByRegistry(message)) return new AppError("FORBIDDEN", `not authorised to pull ${ref} (${message})`);
  if (/manifest unknown|not found|name unknown/i.test(message)) return new AppError("NOT_FOUND", `image ${ref} not found in the registry`);
  // Anything else (registry down, network) may pass: a plain error lets BullMQ retry.
  return new Error(`pulling ${ref} failed: ${message}`);
}

async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}
