// Stores a team's credential for another registry (replacing the one it had for that host) once a
// login to the registry with it succeeds (control's check-registry-login.ts), the password sealed at rest (core/src/secret-box.ts). Used by the image checks at the API and by the
// worker's copy at deploy (control/src/registry/team-registry-credential.ts); never shown again,
// never logged nor audited with its password.
import { checkRegistryLogin } from "@berth/control/registry/check-registry-login";
import { AppError } from "@berth/core";
import { berthRegistryAliases, isSameRegistry, normalizeImageRef, parseImageRef } from "@berth/core/image-ref";
import { seal } from "@berth/core/secret-box";
import type { Db } from "@berth/db";
import { userNames } from "../apps/user-names.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { registryCredentialView } from "./registry-credential-view.ts";

export async function addRegistryCredential(
  db: Db,
  settings: { encryptionKey: string; registryPort: number; publicUrl?: string },
  caller: Caller,
  team: TeamContext,
  input: { host: string; username: string; password: string },
) {
  const host = registryHost(input.host);
  if (berthRegistryAliases(settings.registryPort).some((a) => isSameRegistry(a, host)))
    throw new AppError("BAD_REQUEST", `${host} is Berth's own registry: the team's access to it needs no credential`);
  // A credential the registry refuses is never stored (nor is the old one replaced).
  await checkRegistryLogin({ db, publicUrl: settings.publicUrl }, host, { username: input.username, password: input.password });
  const data = { username: input.username, password: seal(settings.encryptionKey, input.password), createdBy: caller.user.id };
  const row = await db.registryCredential.upsert({
    where: { teamId_host: { teamId: team.id, host } },
    create: { teamId: team.id, host, ...data },
    update: { ...data, createdAt: new Date() },
  });
  await recordAudit(db, {
    action: "registry-credential.added",
    actorId: caller.user.id,
    teamId: team.id,
    target: host,
    ipAddress: caller.ip,
    data: { username: input.username },
  });
  return { registry: registryCredentialView(row, await userNames(db, [row.createdBy])) };
}

/** `host[:port]` as image references name it, lowercased; `index.docker.io` is `docker.io`. */
function registryHost(input: string): string {
  const parsed = parseImageRef(`${input}/probe`);
  if (!parsed.ok || parsed.ref.domain?.toLowerCase() !== input.toLowerCase() || parsed.ref.path !== "probe")
    throw new AppError("BAD_REQUEST", `"${input}" is not a registry host[:port] (e.g. ghcr.io, registry.example.com:5000)`);
  return normalizeImageRef(parsed.ref).domain.toLowerCase();
}
