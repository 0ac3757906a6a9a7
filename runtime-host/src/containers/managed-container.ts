// Inspect a container by name, refusing any that Berth does not manage (by label).
import { AppError } from "@berth/core";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";

export async function inspectManaged(docker: Docker, name: string): Promise<Docker.ContainerInspectInfo> {
  const info = await docker
    .getContainer(name)
    .inspect()
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) throw new AppError("NOT_FOUND", `no container named ${name} on this host`);
      throw err;
    });
  if (info.Config.Labels?.[LABELS.managed] !== "true") throw new AppError("FORBIDDEN", `container ${name} is not managed by Berth`);
  return info;
}
