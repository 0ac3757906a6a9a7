// Sends a job to one runtime-host's queue and waits for its result: the worker's only way to
// touch containers. A host that does not answer in time (offline, engine hung) is an error that
// names the host; the job is removed so it does not run late.
import { hostQueue, QUEUE_PREFIX } from "@berth/core";
import { HOST_JOBS, type HostJobKey, type HostJobPayload, type HostJobResult } from "@berth/core/host-jobs";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";

export type HostCaller = {
  call<K extends HostJobKey>(
    hostId: string,
    key: K,
    payload: HostJobPayload<K>,
    opts?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<HostJobResult<K>>;
  close(): Promise<void>;
};

export class HostCallError extends Error {
  constructor(
    message: string,
    readonly hostId: string,
    readonly kind: "timeout" | "failed" | "aborted",
  ) {
    super(message);
  }
}

export function createHostCaller(connection: Redis): HostCaller {
  const queues = new Map<string, { queue: Queue; events: QueueEvents }>();
  const forHost = async (hostId: string) => {
    let q = queues.get(hostId);
    if (!q) {
      const name = hostQueue(hostId);
      q = {
        queue: new Queue(name, { connection, prefix: QUEUE_PREFIX }),
        events: new QueueEvents(name, { connection: connection.duplicate(), prefix: QUEUE_PREFIX }),
      };
      queues.set(hostId, q);
      await q.events.waitUntilReady();
    }
    return q;
  };
  return {
    async call(hostId, key, payload, opts = {}) {
      const def = HOST_JOBS[key];
      const { queue, events } = await forHost(hostId);
      const job = await queue.add(def.name, def.schema.parse(payload), { removeOnComplete: { age: 3_600 }, removeOnFail: { age: 86_400 } });
      const timeoutMs = opts.timeoutMs ?? 120_000;
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new HostCallError(`cancelled while waiting for host ${hostId}`, hostId, "aborted"));
        if (opts.signal?.aborted) onAbort();
        opts.signal?.addEventListener("abort", onAbort, { once: true });
      });
      try {
        const result = await Promise.race([job.waitUntilFinished(events, timeoutMs), aborted]);
        return def.result.parse(result) as HostJobResult<typeof key>;
      } catch (err) {
        if (err instanceof HostCallError) throw err;
        const message = (err as Error).message;
        if (/timed out/i.test(message)) {
          await job.remove().catch(() => undefined);
          throw new HostCallError(
            `host ${hostId} did not answer ${def.name} within ${Math.round(timeoutMs / 1000)} s (is its runtime-host running?)`,
            hostId,
            "timeout",
          );
        }
        throw new HostCallError(message, hostId, "failed");
      } finally {
        if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
      }
    },
    async close() {
      for (const { queue, events } of queues.values()) {
        await events.close();
        await queue.close();
      }
    },
  };
}
