// The one place a container is created from a spec, with Berth's defaults: no privileges, every
// capability dropped, no-new-privileges, an init process, limits on memory/CPU/pids, the team's
// network (named from the team's id, joined by the network's id), the app's volumes (named from its
// id and labelled with it: see app-volumes.ts), host paths as the spec lists them, and the port (if any) published on the host's publish
// address only (BERTH_HOST_ADDRESS: 127.0.0.1 for a host on the proxy's machine, else the address the
// proxy reaches the host at), on the host port the caller chose (host-port.ts: kept across restarts).
// A managed container of the same name is replaced.
import { type ContainerSpec, LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import type { AppFence } from "../firewall/app-fence.ts";
import { ensureAppVolumes, type ReadyVolume } from "./app-volumes.ts";
import { removeIfPresent } from "./container-action.ts";
import type { EngineLock } from "./engine-lock.ts";
import { checkCreatedLabels, checkImageLabels } from "./image-labels.ts";
import { openSecretEnv } from "./secret-env.ts";
import { ensureTeamNetwork, type TeamNetwork } from "./team-network.ts";

const portKey = (port: number) => `${port}/tcp`;

/**
 * The runtime-host that made a container. Several agents may share one engine (tests, or two
 * hosts on one machine); each reports only its own containers, so the worker never treats
 * another host's container as an orphan. Only runtime-host reads it, hence not in LABELS.
 */
export const HOST_LABEL = "berth.host";

/**
 * Who is creating the container: this host's id, its private key for the spec's sealed secrets, the address
 * it publishes ports on, its app fence (a team network is covered by it before a container joins), and the
 * lock on its engine under which team networks are made (engine-lock.ts; without it, one at a time per process).
 */
export type HostIdentity = {
  hostId: string;
  privateKeyPem: string;
  publishAddress: string;
  fence: Pick<AppFence, "cover">;
  engineLock?: EngineLock;
};

type Prepared = { network: TeamNetwork; volumes: ReadyVolume[]; secretEnv: Record<string, string>; hostPort?: number };

function createOptions(spec: ContainerSpec, host: HostIdentity, { network, volumes, secretEnv, hostPort }: Prepared): Docker.ContainerCreateOptions {
  const { hostId } = host;
  const published = spec.port ? portKey(spec.port) : undefined;
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    Env: Object.entries({ ...spec.env, ...secretEnv }).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABELS.managed]: "true",
      [HOST_LABEL]: hostId,
      [LABELS.team]: spec.labels.team,
      [LABELS.teamId]: spec.labels.teamId,
      ...(spec.labels.app ? { [LABELS.app]: spec.labels.app } : {}),
      ...(spec.labels.appId ? { [LABELS.appId]: spec.labels.appId } : {}),
      ...(spec.labels.release ? { [LABELS.release]: spec.labels.release } : {}),
      ...(spec.labels.secretKeys?.length ? { [LABELS.secretKeys]: spec.labels.secretKeys.join(",") } : {}),
    },
    ...(published ? { ExposedPorts: { [published]: {} } } : {}),
    HostConfig: {
      ...(published ? { PortBindings: { [published]: [{ HostIp: host.publishAddress, HostPort: hostPort ? String(hostPort) : "" }] } } : {}),
      ...(spec.limits.memoryBytes ? { Memory: spec.limits.memoryBytes, MemorySwap: spec.limits.memoryBytes } : {}),
      ...(spec.limits.nanoCpus ? { NanoCpus: spec.limits.nanoCpus } : {}),
      PidsLimit: spec.limits.pids,
      RestartPolicy: { Name: spec.restart },
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      Init: true,
      // The engine's copy of the output is bounded: a container flooding its log must not fill the host's disk
      // (the log follower reads across rotations; Berth's own history is in Redis and Postgres).
      LogConfig: { Type: "json-file", Config: { "max-size": "20m", "max-file": "3" } },
      // By id, here and in the endpoint: the Engine resolves a name at start, and refuses it ("ambiguous") if
      // two networks carry it (see team-network.ts).
      NetworkMode: network.id,
      // Mounts (unlike Binds) refuse a missing host path instead of creating it as root.
      Mounts: [
        ...volumes.map((v) => ({ Type: "volume" as const, Source: v.name, Target: v.target })),
        ...spec.binds.map((b) => ({ Type: "bind" as const, Source: b.source, Target: b.target, ReadOnly: b.readOnly })),
      ],
    },
    NetworkingConfig: { EndpointsConfig: { [network.name]: { NetworkID: network.id } } },
  };
}

export async function createManagedContainer(docker: Docker, spec: ContainerSpec, host: HostIdentity, hostPort?: number): Promise<Docker.Container> {
  const secretEnv = openSecretEnv(spec, host.privateKeyPem);
  // Before anything changes on the host (the replica it replaces included).
  await checkImageLabels(docker, spec.image);
  const owner = { teamId: spec.labels.teamId, team: spec.labels.team };
  const network = await ensureTeamNetwork(docker, owner, host);
  const volumes = await ensureAppVolumes(docker, spec);
  const prepared = { network, volumes, secretEnv, hostPort };
  await removeIfPresent(docker, spec.name);
  const create = async () => {
    const options = createOptions(spec, host, prepared);
    const container = await docker.createContainer(options);
    await checkCreatedLabels(container, spec.image, options.Labels ?? {});
    return container;
  };
  try {
    return await create();
  } catch (err) {
    // The inventory's network sweep may have removed an empty team network in between: make it again, once.
    const e = err as { statusCode?: number; message?: string };
    if (e.statusCode !== 404 || !/network/i.test(e.message ?? "")) throw err;
    prepared.network = await ensureTeamNetwork(docker, owner, host);
    return create();
  }
}
