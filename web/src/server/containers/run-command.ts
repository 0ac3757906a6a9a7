// A one-off command in a new container of the app's live release: the release's image (pinned
// to its digest), env (secrets sealed to the chosen host), limits, mounts and labels, on a host
// placed like any replica; the container is removed afterwards. Waits for the command to finish.
import { randomBytes } from "node:crypto";
import { placeOnOnlineHosts } from "@berth/control/hosts/place-replicas";
import { liveRelease } from "@berth/control/releases/live-release";
import { releaseConfigOf } from "@berth/control/releases/release-config";
import { releaseSpec } from "@berth/control/replicas/release-spec";
import { sharedLegacyVolumes } from "@berth/control/replicas/shared-legacy-volumes";
import { AppError, oneOffName } from "@berth/core";
import { berthRegistryAliases, berthRepositoryOf, formatImageRef, pinImageRef, requireImageRef } from "@berth/core/image-ref";
import type { AppDeps } from "../apps/app-deps.ts";
import { findApp } from "../apps/find-app.ts";
import { requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { registryCredentials } from "./registry-credentials.ts";

/** Time to pull the image and start the container, on top of the command's own time limit. */
const START_ALLOWANCE_MS = 5 * 60_000;

export async function runCommand(deps: AppDeps, caller: Caller, team: TeamContext, name: string, input: { cmd: string[]; timeoutS: number }) {
  const { db, settings } = deps;
  const app = await findApp(db, team.id, name);
  const release = await liveRelease(db, app.id);
  if (!release) throw new AppError("CONFLICT", `app ${app.name} has no live release to run a command in; deploy it first`);
  const config = releaseConfigOf(release);
  requireAdminForPrivilegedApp(caller, app, "run commands in it", [config.app]);

  // A release's image is always in Berth's registry (an outside image is copied there at deploy,
  // worker/src/deploys/resolve-image.ts), so hosts pull it from Berth with the caller's rights.
  const repository = berthRepositoryOf(release.imageRef, berthRegistryAliases(settings.registryPort));
  if (repository === undefined) throw new AppError("INTERNAL", `release v${release.version}'s image ${release.imageRef} is not in Berth's registry`);
  const pull = await registryCredentials(deps, caller, repository, ["pull"]);
  // Pinned to the digest, so the command runs exactly the release's image even if the tag moved.
  const image = release.digest ? formatImageRef(pinImageRef(requireImageRef(release.imageRef), release.digest)) : release.imageRef;
  const [host] = await placeOnOnlineHosts(db, settings.hostStaleMs, 1, config.app.memoryMb * 1024 * 1024);
  if (!host) throw new AppError("UNAVAILABLE", "no host to run the command on");
  // The same spec as the release's replicas (control's release-spec.ts), with the command, no port
  // and no restart; the one-off name keeps the host's reconciliation away from it while it runs.
  const spec = releaseSpec({
    name: oneOffName(team.slug, app.name, randomBytes(4).toString("hex")),
    team: team.slug,
    teamId: team.id,
    app: app.name,
    appId: app.id,
    release: { version: release.version, imageRef: image, config },
    encryptionKey: settings.encryptionKey,
    host,
    sharedLegacy: await sharedLegacyVolumes(
      db,
      { id: app.id, name: app.name, teamSlug: team.slug },
      config.app.volumes.map((v) => v.name),
    ),
    oneOff: { cmd: input.cmd },
  });
  const started = Date.now();
  const result = await deps.hosts.call(
    host.id,
    "containerOneOff",
    { version: 1, spec, timeoutS: input.timeoutS, pull },
    { timeoutMs: input.timeoutS * 1000 + START_ALLOWANCE_MS },
  );
  // The command line may hold secrets: only the program's name is recorded.
  await recordAudit(db, {
    action: "app.command_run",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { program: input.cmd[0], release: release.version, hostId: host.id, exitCode: result.exitCode, timedOut: result.timedOut, ms: Date.now() - started },
  });
  return result;
}
