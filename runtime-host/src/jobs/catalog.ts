// One handler per host job in @berth/core/host-jobs; a job without a handler does not compile.
import { HOST_JOBS, type HostJobKey, type HostJobPayload, type HostJobResult } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { commitContainer } from "../containers/commit-container.ts";
import { containerAction } from "../containers/container-action.ts";
import { runContainer } from "../containers/run-container.ts";

type Catalog = { [K in HostJobKey]: (payload: HostJobPayload<K>, docker: Docker) => Promise<HostJobResult<K>> };

export const catalog: Catalog = {
  containerRun: (p, docker) => runContainer(docker, p.spec),
  containerAction: (p, docker) => containerAction(docker, p.name, p.action),
  containerCommit: (p, docker) => commitContainer(docker, p.name, p.repo, p.tag),
};

export const byName = new Map<string, HostJobKey>(Object.entries(HOST_JOBS).map(([key, def]) => [def.name, key as HostJobKey]));
