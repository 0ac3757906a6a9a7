// Commit a container's filesystem to a new image `repo:tag` on this host and, when asked, push
// that tag to Berth's registry (then `repo` includes the registry address).
import type Docker from "dockerode";
import { inspectManaged } from "./managed-container.ts";
import type { RegistryAuth } from "./pull-image.ts";
import { pushImage } from "./push-image.ts";

export async function commitContainer(
  docker: Docker,
  opts: { name: string; repo: string; tag: string; push?: RegistryAuth },
): Promise<{ imageId: string; digest: string | null }> {
  await inspectManaged(docker, opts.name);
  const res = (await docker.getContainer(opts.name).commit({ repo: opts.repo, tag: opts.tag, pause: true })) as { Id: string };
  const digest = opts.push ? await pushImage(docker, opts.repo, opts.tag, opts.push) : null;
  return { imageId: res.Id, digest };
}
