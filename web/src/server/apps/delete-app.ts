// Deleting an app: its rows go at once (cascade), and its git repository; its containers and
// routes are removed by an app.teardown job, which gets what to remove in its payload.
import { rm } from "node:fs/promises";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { repoPath } from "../git/repo-path.ts";
import type { AppDeps } from "./app-deps.ts";
import { findApp } from "./find-app.ts";
import { cancelRunning, enqueueTeardown, teardownPayload } from "./teardown.ts";

export async function deleteApp(deps: AppDeps, caller: Caller, team: TeamContext, name: string): Promise<void> {
  const { db } = deps;
  const app = await findApp(db, team.id, name);
  const payload = await teardownPayload(db, app, team.slug, deps.settings.domain);
  await cancelRunning(db, deps.redis, app.id);
  await db.app.delete({ where: { id: app.id } });
  await enqueueTeardown(deps.enqueue, payload);
  await rm(repoPath(deps.settings.gitDir, team.id, app.id), { recursive: true, force: true });
  await recordAudit(db, {
    action: "app.deleted",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { containers: payload.containers.length, hostnames: payload.hostnames },
  });
}
