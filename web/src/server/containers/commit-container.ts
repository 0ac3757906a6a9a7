// Commits a container to `<team>/<repository>:<tag>` in Berth's registry: the host commits and
// pushes with a token minted for exactly that repository.
import type { AppDeps } from "../apps/app-deps.ts";
import { requireAdminForPrivilegedContainer } from "../apps/privileged-app.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { assertHostOnline, findContainer, onHost } from "./find-container.ts";
import { registryCredentials } from "./registry-credentials.ts";

/** Committing pauses the container; pushing a large image takes a while. */
const COMMIT_TIMEOUT_MS = 10 * 60_000;

export async function commitContainer(deps: AppDeps, caller: Caller, team: TeamContext, id: string, input: { repository: string; tag: string }) {
  const { db } = deps;
  const c = await findContainer(db, team.id, id);
  // Its image holds what its host mounts could reach, and a tag it moves may be deployed.
  await requireAdminForPrivilegedContainer(db, caller, c, "commit its containers");
  assertHostOnline(c.host, deps.settings.hostStaleMs);
  const repository = `${team.slug}/${input.repository}`;
  const push = await registryCredentials(deps, caller, repository, ["push", "pull"]);
  const repo = `${push.serveraddress}/${repository}`;
  const result = await onHost(db, c, () =>
    deps.hosts.call(c.hostId, "containerCommit", { version: 1, name: c.name, repo, tag: input.tag, push }, { timeoutMs: COMMIT_TIMEOUT_MS }),
  );
  const image = `${repo}:${input.tag}`;
  await recordAudit(db, {
    action: "container.committed",
    actorId: caller.user.id,
    teamId: team.id,
    target: c.name,
    ipAddress: caller.ip,
    data: { image, digest: result.digest },
  });
  return { image, digest: result.digest };
}
