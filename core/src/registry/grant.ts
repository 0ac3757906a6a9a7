// One entry of a registry token's `access` claim (Docker token spec).
export type Grant = { type: string; name: string; actions: string[] };

/** Base images live here: everyone pulls, instance admins push. No team has this slug. */
export const SYSTEM_NAMESPACE = "berth";

/** While this Redis key exists the token server grants no push or delete (garbage collection). */
export const READONLY_KEY = "berth:registry:readonly";
/** When the token server last granted a push or delete (ms since epoch). */
export const LAST_WRITE_GRANT_KEY = "berth:registry:last-write-grant";
/** Lifetime of registry tokens: a write grant is usable this long after it was issued. */
export const REGISTRY_TOKEN_TTL_SECONDS = 300;
