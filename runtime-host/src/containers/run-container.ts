// create + start, with Berth's defaults: no privileges, every capability dropped,
// no-new-privileges, an init process, limits on memory/CPU/pids, the team's network, and the
// port published on 127.0.0.1 only. A container of the same name is replaced.
import { type ContainerSpec, LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { removeIfPresent } from "./container-action.ts";
import { ensureTeamNetwork } from "./team-network.ts";

export async function runContainer(docker: Docker, spec: ContainerSpec): Promise<{ dockerId: string; hostPort: number | null }> {
  const network = await ensureTeamNetwork(docker, spec.labels.team);
  await removeIfPresent(docker, spec.name);
  const portKey = spec.port ? `${spec.port}/tcp` : undefined;
  const container = await docker.createContainer({
    name: spec.name,
    Image: spec.image,
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABELS.managed]: "true",
      [LABELS.team]: spec.labels.team,
      ...(spec.labels.app ? { [LABELS.app]: spec.labels.app } : {}),
      ...(spec.labels.release ? { [LABELS.release]: spec.labels.release } : {}),
    },
    ...(portKey ? { ExposedPorts: { [portKey]: {} } } : {}),
    HostConfig: {
      ...(portKey ? { PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: "" }] } } : {}),
      ...(spec.limits.memoryBytes ? { Memory: spec.limits.memoryBytes, MemorySwap: spec.limits.memoryBytes } : {}),
      ...(spec.limits.nanoCpus ? { NanoCpus: spec.limits.nanoCpus } : {}),
      PidsLimit: spec.limits.pids,
      RestartPolicy: { Name: spec.restart },
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      Init: true,
      NetworkMode: network,
      Mounts: spec.volumes.map((v) => ({ Type: "volume" as const, Source: v.name, Target: v.target })),
    },
  });
  await container.start();
  const info = await container.inspect();
  const binding = portKey ? info.NetworkSettings.Ports?.[portKey]?.[0]?.HostPort : undefined;
  return { dockerId: info.Id, hostPort: binding ? Number(binding) : null };
}
