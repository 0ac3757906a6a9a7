// The admin's view and change of instance settings; every other reader uses control's readInstanceSettings.
import { loadOutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { checkCacheUpstreams } from "@berth/control/registry/check-cache-upstreams";
import { type InstanceSettings, readInstanceSettings } from "@berth/control/settings/instance-settings";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";

export const getSettings = readInstanceSettings;

export async function updateSettings(db: Db, caller: Caller, input: Partial<InstanceSettings>, opts: { publicUrl?: string } = {}): Promise<InstanceSettings> {
  if (input.registryCaches) await checkCacheUpstreams(await loadOutboundPolicy(db, opts), input.registryCaches, input.outboundAllow);
  await db.instanceSettings.update({ where: { id: 1 }, data: input });
  await recordAudit(db, { action: "settings.updated", actorId: caller.user.id, ipAddress: caller.ip, data: input });
  return readInstanceSettings(db);
}
