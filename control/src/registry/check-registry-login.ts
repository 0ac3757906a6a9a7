// Checks a registry credential before a team stores it: a login to the registry (`GET /v2/`
// answering its Basic or Bearer challenge with the credential, as `docker login` does), directly (a
// pull-through cache serves anonymous reads only), under the same instance registry rule and
// outbound policy as openImageSource. A refused login is a 400 that names the registry, never the
// password.
import type { Db } from "@berth/db";
import { loadOutboundPolicy } from "../outbound/outbound-policy.ts";
import { readInstanceSettings } from "../settings/instance-settings.ts";
import { outsideSession, type RegistryCredential } from "./outside-session.ts";
import { assertRegistryAllowed } from "./registry-rule.ts";

export async function checkRegistryLogin(deps: { db: Db; publicUrl?: string }, registry: string, credential: RegistryCredential): Promise<void> {
  assertRegistryAllowed(await readInstanceSettings(deps.db), registry);
  const policy = await loadOutboundPolicy(deps.db, { publicUrl: deps.publicUrl });
  await outsideSession(policy, registry, credential).login();
}
