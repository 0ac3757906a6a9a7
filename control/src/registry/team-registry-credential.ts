// The credential a team stored for a registry (`berth registries add`), opened for one request
// to that registry; undefined when the team stored none (the registry is then asked anonymously).
import { open } from "@berth/core/secret-box";
import type { Db } from "@berth/db";
import type { RegistryCredential } from "./outside-session.ts";

export async function teamRegistryCredential(db: Db, encryptionKey: string, teamId: string, host: string): Promise<RegistryCredential | undefined> {
  const row = await db.registryCredential.findUnique({ where: { teamId_host: { teamId, host: host.toLowerCase() } } });
  return row ? { username: row.username, password: open(encryptionKey, row.password) } : undefined;
}
