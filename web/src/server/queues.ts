// BullMQ producers for web, one per queue, shared across route handlers (see context.ts for
// why process-wide instances live on globalThis).
import { QUEUE_PREFIX } from "@berth/core";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { env } from "../env.ts";

const KEY = Symbol.for("berth.web.queues");
const store = globalThis as unknown as { [KEY]?: { connection: Redis; queues: Map<string, Queue> } };

export function queue(name: string): Queue {
  store[KEY] ??= { connection: new Redis(env().REDIS_URL, { maxRetriesPerRequest: null }), queues: new Map() };
  const s = store[KEY];
  let q = s.queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: s.connection, prefix: QUEUE_PREFIX });
    s.queues.set(name, q);
  }
  return q;
}
