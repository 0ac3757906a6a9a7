// Every BullMQ job that crosses a process boundary: its name, its queue and its payload
// schema (versioned). Producers enqueue through `JobDef`; consumers register a handler per
// definition in a typed catalog (worker/src/jobs/catalog.ts), so a job without a handler
// does not compile.
import { z } from "zod";
import { QUEUES } from "./queues.ts";

export type JobDef<N extends string = string, S extends z.ZodType = z.ZodType> = {
  name: N;
  queue: string;
  schema: S;
};

const defineJob = <N extends string, S extends z.ZodType>(def: JobDef<N, S>) => def;

export const hostFacts = z.object({
  hostId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  hostname: z.string().min(1).max(255),
  dockerVersion: z.string().min(1).max(64),
  cpus: z.number().int().positive(),
  memoryBytes: z.number().int().nonnegative(),
  freeMemoryBytes: z.number().int().nonnegative(),
  /** Where the proxy reaches ports this host publishes (127.0.0.1 for the local host). */
  address: z.string().min(1).max(255),
  containersRunning: z.number().int().nonnegative(),
});
export type HostFacts = z.infer<typeof hostFacts>;

export const JOBS = {
  hostHeartbeat: defineJob({
    name: "host.heartbeat",
    queue: QUEUES.control,
    schema: z.object({ version: z.literal(1), host: hostFacts, sentAt: z.string().datetime() }),
  }),
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS]["name"];
export type JobPayload<K extends keyof typeof JOBS> = z.infer<(typeof JOBS)[K]["schema"]>;
