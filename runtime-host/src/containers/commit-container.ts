// Commit a container's filesystem to a new image `repo:tag` on this host.
import { AppError } from "@berth/core";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";

export async function commitContainer(docker: Docker, name: string, repo: string, tag: string): Promise<{ imageId: string }> {
  const c = docker.getContainer(name);
  const info = await c.inspect().catch((err: { statusCode?: number }) => {
    if (err.statusCode === 404) throw new AppError("NOT_FOUND", `no container named ${name} on this host`);
    throw err;
  });
  if (info.Config.Labels?.[LABELS.managed] !== "true") throw new AppError("FORBIDDEN", `container ${name} is not managed by Berth`);
  const res = (await c.commit({ repo, tag, pause: true })) as { Id: string };
  return { imageId: res.Id };
}
