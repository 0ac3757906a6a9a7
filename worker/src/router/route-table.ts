// The router's in-memory copy of the routes hash (ROUTES_KEY). Entries that fail validation are
// dropped (and logged): a hostname without a valid entry is answered as unknown.
import type { Logger } from "@berth/core/logger";
import { type RouteEntry, routeEntry } from "@berth/core/routes";

export type ApplyResult = "set" | "unchanged" | "deleted" | "absent" | "invalid";

const key = (hostname: string) => hostname.toLowerCase().replace(/\.$/, "");

export class RouteTable {
  readonly #routes = new Map<string, { raw: string; entry: RouteEntry }>();
  /** Invalid values seen per hostname, so the periodic full reload does not log them again. */
  readonly #invalid = new Map<string, string>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  get size(): number {
    return this.#routes.size;
  }

  lookup(hostname: string): RouteEntry | undefined {
    return this.#routes.get(key(hostname))?.entry;
  }

  /** Applies one field of the hash as read from Redis (`raw` = null when the field is gone). */
  apply(hostname: string, raw: string | null): ApplyResult {
    const host = key(hostname);
    if (raw === null) {
      this.#invalid.delete(host);
      return this.#routes.delete(host) ? "deleted" : "absent";
    }
    if (this.#routes.get(host)?.raw === raw || this.#invalid.get(host) === raw) return "unchanged";
    const entry = parseEntry(raw);
    if (!entry) {
      this.#log.warn({ hostname: host }, "ignoring an invalid route entry");
      this.#routes.delete(host);
      this.#invalid.set(host, raw);
      return "invalid";
    }
    this.#invalid.delete(host);
    this.#routes.set(host, { raw, entry });
    return "set";
  }

  /** Replaces the whole table with the hash's current contents; returns how many hostnames changed. */
  replaceAll(hash: Record<string, string>): number {
    let changed = 0;
    const seen = new Set<string>();
    for (const [hostname, raw] of Object.entries(hash)) {
      seen.add(key(hostname));
      const result = this.apply(hostname, raw);
      if (result === "set" || result === "invalid") changed++;
    }
    for (const host of [...this.#routes.keys(), ...this.#invalid.keys()]) {
      if (!seen.has(host) && this.apply(host, null) === "deleted") changed++;
    }
    return changed;
  }
}

function parseEntry(raw: string): RouteEntry | null {
  try {
    const parsed = routeEntry.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
