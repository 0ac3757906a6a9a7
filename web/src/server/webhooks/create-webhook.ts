// A webhook gets a generated signing secret, shown once; it is stored encrypted because the
// worker needs the plaintext to sign each delivery. Its URL must pass the outbound policy now (so
// the user learns at once), and passes it again at each delivery (worker/src/jobs/webhook-deliver.ts).
import { randomBytes } from "node:crypto";
import { checkUrlAtEdge } from "@berth/control/outbound/check-url-at-edge";
import { seal } from "@berth/core/secret-box";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { webhookView } from "./webhook-view.ts";

export async function createWebhook(
  db: Db,
  settings: { encryptionKey: string; publicUrl: string },
  caller: Caller,
  team: TeamContext,
  input: { url: string; events: string[] },
) {
  await checkUrlAtEdge(db, input.url, { publicUrl: settings.publicUrl });
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const row = await db.webhook.create({
    data: { teamId: team.id, url: input.url, events: [...new Set(input.events)], secret: seal(settings.encryptionKey, secret), createdBy: caller.user.id },
  });
  await recordAudit(db, { action: "webhook.created", actorId: caller.user.id, teamId: team.id, target: input.url, ipAddress: caller.ip });
  return { webhook: webhookView(row), secret };
}
