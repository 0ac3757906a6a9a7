// Commit a container's filesystem to a new image `repo:tag` on this host and, when asked, push
// that tag to Berth's registry (then `repo` includes the registry address).
// The engine copies the container's labels into the image; Berth's own are blanked there (an image may
// not carry them: core/src/reserved-labels.ts), or the committed image could not be deployed or built on.
// It copies the container's environment too, which holds the app's settings and unsealed secrets: the
// image keeps its own base image's values, and every variable Berth set is kept by name with an empty
// value (the engine merges the container's variables back in by name, so none can simply be left out;
// a deploy of the image sets them again from the release).
import { blankedReservedLabels } from "@berth/core/reserved-labels";
import type Docker from "dockerode";
import { inspectManaged } from "./managed-container.ts";
import type { RegistryAuth } from "./pull-image.ts";
import { pushImage } from "./push-image.ts";

export async function commitContainer(
  docker: Docker,
  opts: { name: string; repo: string; tag: string; push?: RegistryAuth },
): Promise<{ imageId: string; digest: string | null }> {
  const info = await inspectManaged(docker, opts.name);
  // The body is the image's config: given only labels, the engine takes everything else from the container.
  const base = await docker.getImage(info.Image).inspect();
  const env = imageEnv(info.Config.Env ?? [], base.Config?.Env ?? []);
  const commit = {
    _query: { container: info.Id, repo: opts.repo, tag: opts.tag, pause: true },
    _body: { Labels: blankedReservedLabels(info.Config.Labels), Env: env },
  };
  const res = (await docker.getContainer(info.Id).commit(commit)) as { Id: string };
  const digest = opts.push ? await pushImage(docker, opts.repo, opts.tag, opts.push) : null;
  return { imageId: res.Id, digest };
}

const envName = (entry: string) => entry.slice(0, entry.includes("=") ? entry.indexOf("=") : entry.length);

/** The committed image's environment: the base image's variables as the image had them, the rest emptied. */
export function imageEnv(containerEnv: string[], baseEnv: string[]): string[] {
  const fromBase = new Map(baseEnv.map((entry) => [envName(entry), entry]));
  const env = [...baseEnv];
  for (const entry of containerEnv) if (!fromBase.has(envName(entry))) env.push(`${envName(entry)}=`);
  return env;
}
