// Sends one job to a runtime-host's own queue and waits for its result, bounded. One QueueEvents
// listener per host queue serves the whole process (kept on globalThis for the same reason as
// queues.ts). A host that does not answer in time gets its job withdrawn if it has not started,
// so a stop asked for now is not carried out an hour later.
import { AppError, ERROR_CODES, type ErrorCode, hostQueue, QUEUE_PREFIX } from "@berth/core";
import { HOST_JOBS, type HostJobKey, type HostJobPayload, type HostJobResult } from "@berth/core/host-jobs";
import { QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { env } from "../../env.ts";
import { queue } from "../queues.ts";

const KEY = Symbol.for("berth.web.host-events");
const store = globalThis as unknown as { [KEY]?: Map<string, QueueEvents> };

function events(name: string): QueueEvents {
  store[KEY] ??= new Map();
  let e = store[KEY].get(name);
  if (!e) {
    e = new QueueEvents(name, { connection: new Redis(env().REDIS_URL, { maxRetriesPerRequest: null }), prefix: QUEUE_PREFIX });
    store[KEY].set(name, e);
  }
  return e;
}

export type CallHost = <K extends HostJobKey>(hostId: string, key: K, payload: HostJobPayload<K>, timeoutMs: number) => Promise<HostJobResult<K>>;

export const callHost: CallHost = async (hostId, key, payload, timeoutMs) => {
  const def = HOST_JOBS[key];
  const name = hostQueue(hostId);
  const listener = events(name);
  await listener.waitUntilReady();
  // Payloads may carry decrypted env and registry tokens: never logged, removed once answered.
  const job = await queue(name).add(def.name, def.schema.parse(payload), { attempts: 1, removeOnComplete: { age: 600 }, removeOnFail: { age: 600 } });
  try {
    const result = def.result.parse(await job.waitUntilFinished(listener, timeoutMs)) as HostJobResult<typeof key>;
    // The payload may hold decrypted secrets: it does not stay in Redis once answered.
    await job.remove().catch(() => {});
    return result;
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (message.includes("timed out before finishing")) {
      const withdrawn = await job.remove().then(
        () => true,
        () => false,
      );
      throw new AppError(
        "UNAVAILABLE",
        `host ${hostId} did not finish ${def.name} within ${Math.round(timeoutMs / 1000)}s${withdrawn ? " (the request was withdrawn)" : ""}`,
      );
    }
    await job.remove().catch(() => {});
    throw hostFailure(hostId, message);
  }
};

/** The runtime-host reports refusals as `CODE: message` (runtime-host/src/jobs/dispatch.ts). */
export function hostFailure(hostId: string, reason: string): AppError {
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(reason);
  if (m?.[1] && m[1] in ERROR_CODES && m[1] !== "INTERNAL") return new AppError(m[1] as ErrorCode, m[2] ?? reason, { fromHost: true });
  return new AppError("INTERNAL", `host ${hostId} failed: ${reason}`);
}
