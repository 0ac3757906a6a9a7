// The one publisher of an app's live-page events (web and worker): every change of a deployment's status or of a
// container row goes out on the bus to the app's room AND its team's room (lists), for web to
// relay to sockets — pages update without polling.
import type { DeploymentState } from "@berth/core/apps";
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";

export type AppEventDeps = { db: Db; publisher: Redis };
/** An app, with its team when the caller knows it (a deleted app's team cannot be looked up). */
export type AppRef = { appId: string; teamId?: string | null };

// An app never changes team: its team id is remembered (bounded, oldest forgotten first).
const teams = new Map<string, string>();
const TEAM_CACHE_MAX = 5_000;

async function teamOf(db: Db, ref: AppRef): Promise<string | null> {
  if (ref.teamId) return ref.teamId;
  const known = teams.get(ref.appId);
  if (known) return known;
  const app = await db.app.findUnique({ where: { id: ref.appId }, select: { teamId: true } });
  if (!app) return null;
  if (teams.size >= TEAM_CACHE_MAX) teams.delete(teams.keys().next().value as string);
  teams.set(ref.appId, app.teamId);
  return app.teamId;
}

type AppEvent = Omit<Extract<BusMessage, { type: "deployment.updated" }>, "room"> | Omit<Extract<BusMessage, { type: "container.updated" }>, "room">;

async function publish(deps: AppEventDeps, ref: AppRef, event: AppEvent) {
  const teamId = await teamOf(deps.db, ref).catch(() => null);
  const rooms = [ROOMS.app(ref.appId), ...(teamId ? [ROOMS.team(teamId)] : [])];
  const multi = deps.publisher.multi();
  for (const room of rooms) multi.publish(EVENTS_CHANNEL, JSON.stringify({ ...event, room } satisfies BusMessage));
  await multi.exec();
}

/** One of the app's containers was created, changed state or was removed (state "removed"). */
export async function publishContainer(deps: AppEventDeps, ref: AppRef, containerId: string, state: string): Promise<void> {
  await publish(deps, ref, { type: "container.updated", payload: { version: 1, appId: ref.appId, containerId, state } });
}

/** A deployment of the app changed status. */
export async function publishDeployment(
  deps: AppEventDeps,
  ref: AppRef,
  deployment: { id: string; status: DeploymentState; reason?: string | null },
): Promise<void> {
  await publish(deps, ref, {
    type: "deployment.updated",
    payload: { version: 1, appId: ref.appId, deploymentId: deployment.id, status: deployment.status, reason: deployment.reason ?? null },
  });
}
