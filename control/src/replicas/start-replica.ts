// Starts one replica of a release on its host: the spec (release-spec.ts, secrets sealed to that
// host), a pull with credentials for exactly the release's repository, the container row brought
// up to date and announced. Used by the roll-out (new replicas) and the inventory (a replica that
// vanished), so both start a replica the same way.
import type { HostJobPayload } from "@berth/core/host-jobs";
import type { Db, Release } from "@berth/db";
import type { Redis } from "ioredis";
import { publishContainer } from "../events/app-events.ts";
import type { HostCaller } from "../hosts/call-host.ts";
import { releaseConfigOf } from "../releases/release-config.ts";
import { releaseSpec, type SpecHost } from "./release-spec.ts";
import { sharedLegacyVolumes } from "./shared-legacy-volumes.ts";

export type ReplicaDeps = {
  db: Db;
  publisher: Redis;
  hosts: HostCaller;
  encryptionKey: string;
  /** Short-lived credentials for the host's engine to pull one image reference. */
  pullAuth: (imageRef: string) => NonNullable<HostJobPayload<"containerRun">["pull"]>;
};

export type ReplicaInput = {
  /** The container row, already written (state "creating" or a vanished replica's). */
  rowId: string;
  name: string;
  host: SpecHost;
  app: { id: string; name: string; teamId: string; teamSlug: string };
  release: Pick<Release, "version" | "imageRef" | "config">;
  signal?: AbortSignal;
};

/** Pulling a large image and starting it may take a while. */
const RUN_TIMEOUT_MS = 300_000;

export async function startReplica(deps: ReplicaDeps, input: ReplicaInput): Promise<{ dockerId: string; hostPort: number | null }> {
  const { app, release } = input;
  const config = releaseConfigOf(release);
  const sharedLegacy = await sharedLegacyVolumes(
    deps.db,
    { id: app.id, name: app.name, teamSlug: app.teamSlug },
    config.app.volumes.map((v) => v.name),
  );
  const spec = releaseSpec({
    name: input.name,
    team: app.teamSlug,
    teamId: app.teamId,
    app: app.name,
    appId: app.id,
    release: { version: release.version, imageRef: release.imageRef, config },
    encryptionKey: deps.encryptionKey,
    host: input.host,
    sharedLegacy,
  });
  const result = await deps.hosts.call(
    input.host.id,
    "containerRun",
    { version: 1, spec, pull: deps.pullAuth(release.imageRef) },
    { timeoutMs: RUN_TIMEOUT_MS, signal: input.signal },
  );
  await deps.db.container.update({ where: { id: input.rowId }, data: { dockerId: result.dockerId, hostPort: result.hostPort, state: "running" } });
  await publishContainer(deps, { appId: app.id, teamId: app.teamId }, input.rowId, "running");
  return result;
}
