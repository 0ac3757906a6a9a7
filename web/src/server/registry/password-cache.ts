// Remembers recently verified registry passwords for a minute, in this process only.
// docker asks for a token before almost every operation, and each scrypt verification costs
// tens of milliseconds of CPU; a 2-core host could verify only ~25 a second. The key is an
// HMAC under a random per-process key of (user, stored hash, password): nothing is persisted,
// a password change (new stored hash) misses the cache, and a restart forgets everything.
import { createHmac, randomBytes } from "node:crypto";

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
const processKey = randomBytes(32);
const verified = new Map<string, number>();

const keyOf = (userId: string, storedHash: string, password: string) =>
  createHmac("sha256", processKey).update(`${userId}\0${storedHash}\0${password}`).digest("base64");

export function recentlyVerified(userId: string, storedHash: string, password: string): boolean {
  const k = keyOf(userId, storedHash, password);
  const until = verified.get(k);
  if (until === undefined) return false;
  if (until < Date.now()) {
    verified.delete(k);
    return false;
  }
  return true;
}

export function rememberVerified(userId: string, storedHash: string, password: string): void {
  if (verified.size >= MAX_ENTRIES) verified.clear();
  verified.set(keyOf(userId, storedHash, password), Date.now() + TTL_MS);
}
