// start / stop / restart / kill / remove one container through its host's runtime-host. The
// row follows: its new state, or gone when removed (or when the host no longer has it).
import { publishContainer } from "@berth/control/events/app-events";
import type { AppDeps } from "../apps/app-deps.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { containerViews } from "./container-view.ts";
import { assertHostOnline, findContainer, onHost } from "./find-container.ts";

export type ContainerVerb = "start" | "stop" | "restart" | "kill" | "remove";

/** Stop waits up to 10 s for the process; restart twice that. */
const ACTION_TIMEOUT_MS = 60_000;

export async function containerAction(deps: AppDeps, caller: Caller, team: TeamContext, id: string, action: ContainerVerb) {
  const { db } = deps;
  const c = await findContainer(db, team.id, id);
  assertHostOnline(c.host, deps.settings.hostStaleMs);
  const { state } = await onHost(db, c, () =>
    deps.hosts.call(c.hostId, "containerAction", { version: 1, name: c.name, action }, { timeoutMs: ACTION_TIMEOUT_MS }),
  );
  await recordAudit(db, {
    action: `container.${action}`,
    actorId: caller.user.id,
    teamId: team.id,
    target: c.name,
    ipAddress: caller.ip,
    data: { hostId: c.hostId },
  });
  // Other open pages of the app learn of it at once (the worker publishes its own changes).
  const announce = (s: string) =>
    c.appId ? publishContainer({ db, publisher: deps.redis }, { appId: c.appId, teamId: team.id }, c.id, s).catch(() => {}) : Promise.resolve();
  if (action === "remove") {
    await db.container.deleteMany({ where: { id: c.id } });
    await announce("removed");
    return null;
  }
  const updated = await db.container.update({ where: { id: c.id }, data: { state }, include: { app: { select: { name: true } } } });
  await announce(state);
  const [view] = await containerViews(db, [updated]);
  return view ?? null;
}
