// A new push-webhook secret for an app: returned once, stored sealed; the old one stops working.
import { randomBytes } from "node:crypto";
import { seal } from "@berth/core/secret-box";
import type { AppDeps } from "../apps/app-deps.ts";
import { findApp } from "../apps/find-app.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";

export const webhookUrl = (publicUrl: string, appId: string) => `${publicUrl.replace(/\/$/, "")}/api/v1/hooks/apps/${appId}`;

export async function rotateWebhookSecret(deps: AppDeps, caller: Caller, team: TeamContext, name: string, publicUrl: string) {
  const app = await findApp(deps.db, team.id, name);
  const secret = randomBytes(32).toString("hex");
  await deps.db.app.update({ where: { id: app.id }, data: { webhookSecret: seal(deps.settings.encryptionKey, secret) } });
  await recordAudit(deps.db, { action: "app.webhook_secret_rotated", actorId: caller.user.id, teamId: team.id, target: app.name, ipAddress: caller.ip });
  return { url: webhookUrl(publicUrl, app.id), secret };
}
