// Pushes a built image to Berth's registry through the engine, with a registry token the engine
// sends as is (AuthConfig.RegistryToken), and returns the digest the registry stored it under.

import type { DeployLog } from "@berth/control/deployments/deploy-log";
import type Docker from "dockerode";
import { BuildFailure, engineAnswered, engineMessage } from "./build-errors.ts";
import { layerProgress, readProgress } from "./json-stream.ts";

export type RegistryAuth = { serveraddress: string; registrytoken: string };

export async function pushImage(opts: { docker: Docker; repo: string; tag: string; auth: RegistryAuth; log: DeployLog; signal: AbortSignal }): Promise<string> {
  const ref = `${opts.repo}:${opts.tag}`;
  await opts.log.write(`Pushing ${ref}`);
  let res: NodeJS.ReadableStream;
  try {
    res = await opts.docker.getImage(opts.repo).push({ tag: opts.tag, authconfig: opts.auth, abortSignal: opts.signal });
  } catch (e) {
    if (engineAnswered(e)) throw new BuildFailure(`push of ${ref} failed: ${engineMessage(e)}`);
    throw e;
  }

  const layers = layerProgress();
  let digest: string | undefined;
  let error: string | undefined;
  for await (const m of readProgress(res as AsyncIterable<Buffer>)) {
    if (m.error || m.errorDetail) error = m.errorDetail?.message ?? m.error;
    else if (m.aux?.Digest) digest = m.aux.Digest;
    else {
      const line = layers(m);
      if (line) await opts.log.write(line);
    }
  }
  if (error) throw new BuildFailure(`push of ${ref} to Berth's registry failed: ${error}`);
  if (!digest) throw new BuildFailure(`push of ${ref} ended without a digest from the registry`);
  return digest;
}
