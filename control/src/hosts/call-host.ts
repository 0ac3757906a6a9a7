// The one way web and worker reach a runtime-host: a job on the host's own queue (`host.<id>`),
// then its result. Every job is removed as soon as it is answered (and by age, should the caller
// die first), a caller's abort withdraws it, and a refusal comes back as the AppError the host
// threw (core's wire form), carrying the host's id. Secrets never travel here in the clear: a
// container's secret env is sealed to the host's own key before it is queued (release-spec.ts).
import { AppError, type ErrorCode, hostQueue, QUEUE_PREFIX } from "@berth/core";
import { HOST_JOBS, type HostJobKey, type HostJobPayload, type HostJobResult } from "@berth/core/host-jobs";
import { type Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";

/** A host call that failed: the host's own code, or UNAVAILABLE when it did not answer in time. */
export class HostCallError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly hostId: string,
  ) {
    super(code, message, { hostId });
    this.name = "HostCallError";
  }
}

export type HostCallOptions = { timeoutMs?: number; signal?: AbortSignal };

export type HostCaller = {
  call<K extends HostJobKey>(hostId: string, key: K, payload: HostJobPayload<K>, opts?: HostCallOptions): Promise<HostJobResult<K>>;
  close(): Promise<void>;
};

const DEFAULT_TIMEOUT_MS = 120_000;
/** A job nobody removed (its caller died) is dropped by BullMQ after this long. */
const ORPHAN_AGE_S = 60;

/** Turns a failed job's reason into the error the host meant: its AppError, or an INTERNAL naming the host. */
export function hostFailure(hostId: string, reason: string): HostCallError {
  const e = AppError.fromWire(reason);
  if (e && e.code !== "INTERNAL") return new HostCallError(e.code, e.message, hostId);
  return new HostCallError("INTERNAL", `host ${hostId} failed: ${e?.message ?? reason}`, hostId);
}

export function createHostCaller(connection: Redis): HostCaller {
  const queues = new Map<string, Promise<{ queue: Queue; events: QueueEvents }>>();
  const forHost = (hostId: string) => {
    let q = queues.get(hostId);
    if (!q) {
      const name = hostQueue(hostId);
      const queue = new Queue(name, { connection, prefix: QUEUE_PREFIX });
      const events = new QueueEvents(name, { connection: connection.duplicate(), prefix: QUEUE_PREFIX });
      q = events.waitUntilReady().then(() => ({ queue, events }));
      queues.set(hostId, q);
    }
    return q;
  };
  const remove = (job: Job) =>
    job.remove().then(
      () => true,
      () => false,
    );

  return {
    async call(hostId, key, payload, opts = {}) {
      const def = HOST_JOBS[key];
      opts.signal?.throwIfAborted();
      const { queue, events } = await forHost(hostId);
      const job = await queue.add(def.name, def.schema.parse(payload), {
        attempts: 1,
        removeOnComplete: { age: ORPHAN_AGE_S },
        removeOnFail: { age: ORPHAN_AGE_S },
      });
      const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(opts.signal?.reason ?? new Error("aborted"));
        if (opts.signal?.aborted) onAbort();
        opts.signal?.addEventListener("abort", onAbort, { once: true });
      });
      try {
        const result = await Promise.race([job.waitUntilFinished(events, timeoutMs), aborted]);
        return def.result.parse(result) as HostJobResult<typeof key>;
      } catch (err) {
        if (opts.signal?.aborted && err === opts.signal.reason) throw err;
        const message = (err as Error).message ?? String(err);
        if (/timed out before finishing/.test(message)) {
          const withdrawn = await remove(job);
          throw new HostCallError(
            "UNAVAILABLE",
            `host ${hostId} did not finish ${def.name} within ${Math.round(timeoutMs / 1000)} s${withdrawn ? " (the request was withdrawn)" : ""}; is its runtime-host running?`,
            hostId,
          );
        }
        throw hostFailure(hostId, message);
      } finally {
        if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
        // Answered, failed, timed out or abandoned: the job and its payload leave Redis now.
        await remove(job);
      }
    },
    async close() {
      for (const q of queues.values()) {
        const { queue, events } = await q;
        await events.close();
        await queue.close();
      }
      queues.clear();
    },
  };
}
