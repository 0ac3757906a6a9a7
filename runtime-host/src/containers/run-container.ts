// container.run: pull the image when asked (the tag may have moved), then create and start the
// container with Berth's defaults (create-container.ts), on a host port chosen by host-port.ts.
import type { ContainerSpec } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { createManagedContainer, type HostIdentity } from "./create-container.ts";
import { withFreeHostPort } from "./host-port.ts";
import { publishedPort } from "./published-port.ts";
import { pullImage, type RegistryAuth } from "./pull-image.ts";

export async function runContainer(
  docker: Docker,
  opts: { spec: ContainerSpec; host: HostIdentity; pull?: RegistryAuth },
): Promise<{ dockerId: string; hostPort: number | null }> {
  if (opts.pull) await pullImage(docker, opts.spec.image, opts.pull);
  // A published port is chosen here (not by the Engine), so a restart by the restart policy keeps it.
  const start = async (hostPort?: number) => {
    const container = await createManagedContainer(docker, opts.spec, opts.host, hostPort);
    await container.start();
    return container;
  };
  const container = opts.spec.port ? await withFreeHostPort(opts.host.publishAddress, start) : await start();
  const info = await container.inspect();
  return { dockerId: info.Id, hostPort: publishedPort(info.NetworkSettings.Ports) };
}
