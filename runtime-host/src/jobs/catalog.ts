// One handler per host job in @berth/core/host-jobs; a job without a handler does not compile.
import { HOST_JOBS, type HostJobKey, type HostJobPayload, type HostJobResult } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { commitContainer } from "../containers/commit-container.ts";
import { containerAction } from "../containers/container-action.ts";
import type { HostIdentity } from "../containers/create-container.ts";
import { listContainers } from "../containers/list-containers.ts";
import { runOneOff } from "../containers/one-off-container.ts";
import { probeContainer } from "../containers/probe-container.ts";
import { removeVolumes } from "../containers/remove-volumes.ts";
import { runContainer } from "../containers/run-container.ts";

/** What every handler gets besides its payload: this host's engine, its identity and private key, and its publish address. */
export type HostContext = { docker: Docker } & HostIdentity;

type Catalog = { [K in HostJobKey]: (payload: HostJobPayload<K>, host: HostContext) => Promise<HostJobResult<K>> };

export const catalog: Catalog = {
  containerRun: (p, { docker, ...host }) => runContainer(docker, { spec: p.spec, host, pull: p.pull }),
  containerProbe: (p, { docker, publishAddress }) => probeContainer(docker, p.name, p.check, publishAddress),
  containerList: (_p, { docker, hostId }) => listContainers(docker, hostId),
  containerOneOff: (p, { docker, ...host }) => runOneOff(docker, { spec: p.spec, host, timeoutS: p.timeoutS, pull: p.pull }),
  containerAction: (p, { docker }) => containerAction(docker, p.name, p.action),
  containerCommit: (p, { docker }) => commitContainer(docker, p),
  volumesRemove: (p, { docker }) => removeVolumes(docker, p.appId),
};

export const byName = new Map<string, HostJobKey>(Object.entries(HOST_JOBS).map(([key, def]) => [def.name, key as HostJobKey]));
