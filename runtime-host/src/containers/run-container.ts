// container.run: pull the image when asked (the tag may have moved), then create and start the
// container with Berth's defaults (create-container.ts).
import type { ContainerSpec } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { createManagedContainer, type HostIdentity } from "./create-container.ts";
import { publishedPort } from "./published-port.ts";
import { pullImage, type RegistryAuth } from "./pull-image.ts";

export async function runContainer(
  docker: Docker,
  opts: { spec: ContainerSpec; host: HostIdentity; pull?: RegistryAuth },
): Promise<{ dockerId: string; hostPort: number | null }> {
  if (opts.pull) await pullImage(docker, opts.spec.image, opts.pull);
  const container = await createManagedContainer(docker, opts.spec, opts.host);
  await container.start();
  const info = await container.inspect();
  return { dockerId: info.Id, hostPort: publishedPort(info.NetworkSettings.Ports) };
}
