// Sets and unsets env vars (secrets sealed at rest); a live app gets a new release with them.
import { AppError } from "@berth/core";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "../deployments/deployment-view.ts";
import type { AppDeps } from "./app-deps.ts";
import { envView } from "./app-view.ts";
import { findApp } from "./find-app.ts";
import { requireAdminForPrivilegedApp } from "./privileged-app.ts";
import { redeployAfterChange } from "./redeploy-after-change.ts";
import { type EnvInput, sealedValue } from "./seal-env.ts";

export async function setEnv(deps: AppDeps, caller: Caller, team: TeamContext, name: string, input: { set: EnvInput; unset: string[] }) {
  const { db, settings } = deps;
  const app = await findApp(db, team.id, name);
  requireAdminForPrivilegedApp(caller, app, "change its env");
  const both = input.unset.filter((k) => k in input.set);
  if (both.length) throw new AppError("BAD_REQUEST", `set and unset both name ${both.join(", ")}`);
  const setKeys = Object.keys(input.set);
  if (setKeys.length === 0 && input.unset.length === 0) {
    return { env: envView(await db.envVar.findMany({ where: { appId: app.id } })), deployment: null };
  }

  const removed = await db.$transaction(async (tx) => {
    for (const [key, v] of Object.entries(input.set)) {
      const value = sealedValue(settings.encryptionKey, v);
      await tx.envVar.upsert({
        where: { appId_key: { appId: app.id, key } },
        create: { appId: app.id, key, value, secret: v.secret },
        update: { value, secret: v.secret },
      });
    }
    return (await tx.envVar.deleteMany({ where: { appId: app.id, key: { in: input.unset } } })).count;
  });
  // Values are never audited, only which keys changed.
  await recordAudit(db, {
    action: "app.env_changed",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { set: setKeys, unset: input.unset },
  });

  const changed = setKeys.length > 0 || removed > 0;
  const d = changed ? await redeployAfterChange(deps, caller, app, { imageChanged: false }) : null;
  if (d)
    await recordAudit(db, {
      action: "deployment.created",
      actorId: caller.user.id,
      teamId: team.id,
      target: app.name,
      ipAddress: caller.ip,
      data: { deploymentId: d.id, kind: d.kind },
    });
  return { env: envView(await db.envVar.findMany({ where: { appId: app.id } })), deployment: d ? await oneDeploymentView(db, d.id) : null };
}
