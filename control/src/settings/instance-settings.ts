// Instance settings: one row (id 1), made by the migration that added the policy columns, with the
// defaults in prisma/schema.prisma. Web (the admin API, sign-up, quotas) and the worker (the
// outbound policy's allow list) read them here; only web's admin route writes them.
import { type InstanceSettings, instanceSettings } from "@berth/core/api";
import type { Db } from "@berth/db";

export type { InstanceSettings };

export async function readInstanceSettings(db: Db): Promise<InstanceSettings> {
  const row = await db.instanceSettings.findUniqueOrThrow({ where: { id: 1 } });
  return instanceSettings.parse(row);
}
