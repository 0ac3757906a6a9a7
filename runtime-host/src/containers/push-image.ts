// Push one tag to Berth's registry with a registry token (see pull-image.ts) and return the
// manifest digest the registry stored, from the push stream's `aux` result.
import { AppError } from "@berth/core";
import type Docker from "dockerode";
import { engineMessage, readEngineStream, refusedByRegistry } from "./engine-stream.ts";
import type { RegistryAuth } from "./pull-image.ts";

export async function pushImage(docker: Docker, repo: string, tag: string, auth: RegistryAuth): Promise<string> {
  let aux: Record<string, unknown>[];
  try {
    // The tag goes in the query: a push of the bare repository name would push every local tag.
    const authconfig = { serveraddress: auth.serveraddress, registrytoken: auth.registrytoken };
    const stream = await docker.getImage(repo).push({ tag, authconfig });
    aux = await readEngineStream(stream);
  } catch (err) {
    const message = engineMessage(err);
    if (refusedByRegistry(message)) throw new AppError("FORBIDDEN", `the registry refused the push of ${repo}:${tag}: ${message}`);
    throw new Error(`pushing ${repo}:${tag} failed: ${message}`);
  }
  const digest = aux.map((a) => a.Digest).find((d): d is string => typeof d === "string");
  if (!digest) throw new Error(`pushing ${repo}:${tag} ended without a digest`);
  return digest;
}
