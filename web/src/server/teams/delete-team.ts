// Deleting a team removes its memberships, invitations, apps and repositories (cascades). Each
// app's containers and routes are handed to an app.teardown job first, while the rows that say
// what to remove still exist. Its registry images go first (purge-team-images.ts): the next
// owner of the slug must not inherit them.
import { AppError } from "@berth/core";
import type { AppDeps } from "../apps/app-deps.ts";
import { cancelRunning, enqueueTeardown, teardownPayload } from "../apps/teardown.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { publishRightsChanged } from "../auth/rights-changed.ts";
import { purgeTeamImages } from "./purge-team-images.ts";

export async function deleteTeam(deps: Pick<AppDeps, "db" | "redis" | "enqueue" | "settings" | "registry">, caller: Caller, team: TeamContext): Promise<void> {
  const { db } = deps;
  if (team.personal) throw new AppError("BAD_REQUEST", "a personal namespace is deleted with its user, not on its own");
  const apps = await db.app.findMany({ where: { teamId: team.id }, select: { id: true, name: true } });
  const payloads = await Promise.all(apps.map((app) => teardownPayload(db, app, team.slug, deps.settings.domain)));
  const images = await purgeTeamImages(deps, team);
  // Recorded first and instance-wide (teamId null), since the team's own events go with it.
  await recordAudit(db, {
    action: "team.deleted",
    actorId: caller.user.id,
    teamId: null,
    target: team.slug,
    ipAddress: caller.ip,
    data: { apps: apps.map((a) => a.name), images },
  });
  for (const app of apps) await cancelRunning(db, deps.redis, app.id);
  const members = await db.membership.findMany({ where: { teamId: team.id }, select: { userId: true } });
  await db.team.delete({ where: { id: team.id } });
  await publishRightsChanged(deps.redis, { userIds: members.map((m) => m.userId), reason: `the team ${team.slug} was deleted` });
  for (const payload of payloads) await enqueueTeardown(deps.enqueue, payload);
}
