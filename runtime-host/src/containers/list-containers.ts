// container.list: every container Berth manages (label berth.managed) that this runtime-host
// made (see HOST_LABEL), in any state.
import type { ObservedContainer } from "@berth/core";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { HOST_LABEL } from "./create-container.ts";

export async function listContainers(docker: Docker, hostId: string): Promise<{ containers: ObservedContainer[] }> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${HOST_LABEL}=${hostId}`] } });
  return {
    containers: found.map((c) => ({
      dockerId: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ""),
      team: c.Labels[LABELS.team] ?? null,
      app: c.Labels[LABELS.app] ?? null,
      release: c.Labels[LABELS.release] ?? null,
      state: c.State,
      // Only a running container has a published port.
      hostPort: c.Ports.find((p) => p.PublicPort)?.PublicPort ?? null,
    })),
  };
}
