// BullMQ producers for web, one per queue, and its runtime-host caller, shared across route
// handlers (see context.ts for why process-wide instances live on globalThis).
import { createHostCaller, type HostCaller } from "@berth/control/hosts/call-host";
import { QUEUE_PREFIX } from "@berth/core";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { env } from "../env.ts";

type Shared = { connection: Redis; queues: Map<string, Queue>; hosts: HostCaller | null };
const KEY = Symbol.for("berth.web.queues");
const store = globalThis as unknown as { [KEY]?: Shared };

function shared(): Shared {
  store[KEY] ??= { connection: new Redis(env().REDIS_URL, { maxRetriesPerRequest: null }), queues: new Map(), hosts: null };
  return store[KEY];
}

export function queue(name: string): Queue {
  const s = shared();
  let q = s.queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: s.connection, prefix: QUEUE_PREFIX });
    s.queues.set(name, q);
  }
  return q;
}

/** web's caller of runtime-hosts (container actions, commits, one-offs): control's one host caller, once per process. */
export function hostCaller(): HostCaller {
  const s = shared();
  s.hosts ??= createHostCaller(s.connection);
  return s.hosts;
}
