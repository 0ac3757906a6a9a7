// Where Berth reads an image that lives in another registry, for one team: the one place that
// decides how. The API's check (images/deployable-image.ts), deploys and builds all open their
// sessions here. In order: the instance's registry rule (registry-rule.ts) may refuse the registry;
// a registry with a pull-through cache (worker/src/registry-caches; started once the registry is
// first read, cache-demand.ts) is read anonymously through the cache, and directly only for what the cache cannot serve (cached-session.ts); the direct session
// uses the team's stored credential and the outbound policy as it stands now.
import type { Logger } from "@berth/core/logger";
import { canonicalRegistry } from "@berth/core/registry-settings";
import type { Db } from "@berth/db";
import { loadOutboundPolicy } from "../outbound/outbound-policy.ts";
import { readInstanceSettings } from "../settings/instance-settings.ts";
import { waitForCache, wantCache } from "./cache-demand.ts";
import { cacheSocketSession, throughCache } from "./cached-session.ts";
import { type OutsideSession, outsideSession } from "./outside-session.ts";
import { cachePaths } from "./registry-cache-paths.ts";
import { assertRegistryAllowed } from "./registry-rule.ts";
import { teamRegistryCredential } from "./team-registry-credential.ts";

export type ImageSourceDeps = {
  db: Db;
  encryptionKey: string;
  publicUrl?: string;
  /**
   * The pull-through caches' directory (BERTH_REGISTRY_CACHE_DIR, from the process's config). Required,
   * so no caller forgets the caches; undefined only where none may be used (every registry read directly).
   */
  registryCacheDir: string | undefined;
  log?: Logger;
};

/** How long the first read of a registry waits for its cache to start (the supervisor looks every few seconds). */
const FIRST_USE_WAIT_MS = 15_000;

/** A session reading `registry` (`host[:port]` as written in the reference) on behalf of team `teamId`. */
export async function openImageSource(deps: ImageSourceDeps, teamId: string, registry: string): Promise<OutsideSession> {
  const settings = await readInstanceSettings(deps.db);
  assertRegistryAllowed(settings, registry);
  const direct = async () => {
    const credential = await teamRegistryCredential(deps.db, deps.encryptionKey, teamId, registry);
    return outsideSession(await loadOutboundPolicy(deps.db, { publicUrl: deps.publicUrl }), registry, credential);
  };
  const cache = deps.registryCacheDir ? settings.registryCaches.find((c) => c.registry === canonicalRegistry(registry)) : undefined;
  if (!cache || !deps.registryCacheDir) return direct();
  const paths = cachePaths(deps.registryCacheDir, cache.registry);
  // The first read of a registry starts its cache: worth a short wait, so the first copy goes through it too.
  if (await wantCache(paths, cache.upstream)) await waitForCache(paths.socket, FIRST_USE_WAIT_MS);
  return throughCache(cacheSocketSession(paths.socket, registry), direct, (f) =>
    deps.log?.debug({ registry, repository: f.repository, reason: f.reason }, "read directly, not through the registry cache"),
  );
}
