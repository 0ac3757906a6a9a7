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
  /** The host's public X25519 key (base64url SPKI): secrets for its containers are sealed to it (core/src/host-seal.ts). */
  sealKey: z.string().min(40).max(200).optional(),
  /** The Engine's platform (`linux/amd64`, core/src/platform.ts): images are resolved for it. */
  platform: z.string().max(64).optional(),
});
export type HostFacts = z.infer<typeof hostFacts>;

/** One event of the registry's notification envelope (distribution's events.v1 format). */
export const registryEvent = z.object({
  id: z.string().min(1).max(128),
  timestamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "timestamp is not a date"),
  action: z.enum(["push", "pull", "delete", "mount"]),
  target: z
    .object({ mediaType: z.string().optional(), digest: z.string().optional(), repository: z.string().min(1).max(255), tag: z.string().max(128).optional() })
    .passthrough(),
  request: z.object({ method: z.string().optional() }).passthrough().optional(),
  actor: z.object({ name: z.string().optional() }).passthrough().optional(),
});
export type RegistryEvent = z.infer<typeof registryEvent>;
export const registryEnvelope = z.object({ events: z.array(registryEvent).max(1000) });

/** A container Berth manages, as a runtime-host finds it on its engine (by label). */
export const observedContainer = z.object({
  dockerId: z.string(),
  name: z.string(),
  team: z.string().nullable(),
  app: z.string().nullable(),
  release: z.string().nullable(),
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: z.string(),
  hostPort: z.number().int().nullable(),
});
export type ObservedContainer = z.infer<typeof observedContainer>;

export const JOBS = {
  hostHeartbeat: defineJob({
    name: "host.heartbeat",
    queue: QUEUES.control,
    schema: z.object({ version: z.literal(1), host: hostFacts, sentAt: z.string().datetime() }),
  }),
  /** One registry event; the job id is the event id, so a re-delivered event collapses. */
  registryEvent: defineJob({ name: "registry.event", queue: QUEUES.registry, schema: z.object({ version: z.literal(1), event: registryEvent }) }),
  /** Repairs the image tables from the registry itself (events are lost if it restarts). */
  registryReconcile: defineJob({ name: "registry.reconcile", queue: QUEUES.registry, schema: z.object({ version: z.literal(1) }) }),
  /** Garbage collection behind a write freeze (see worker/src/jobs/registry-gc.ts). */
  registryGc: defineJob({
    name: "registry.gc",
    queue: QUEUES.registry,
    schema: z.object({ version: z.literal(1), drainMs: z.number().int().min(0).max(600_000).optional() }),
  }),
  /** POST one webhook delivery; retried with backoff until it gets a 2xx. */
  webhookDeliver: defineJob({ name: "webhook.deliver", queue: QUEUES.webhooks, schema: z.object({ version: z.literal(1), deliveryId: z.string().uuid() }) }),
  /** What a runtime-host finds on its engine, at start and periodically; the worker reconciles it with the desired state. */
  hostInventory: defineJob({
    name: "host.inventory",
    queue: QUEUES.control,
    schema: z.object({
      version: z.literal(1),
      hostId: hostFacts.shape.hostId,
      reason: z.enum(["start", "periodic"]),
      containers: z.array(observedContainer).max(5000),
    }),
  }),
  /** A managed container died or started (the Engine's event stream, runtime-host/src/events): recorded on its row, told in the app's log. */
  containerEvent: defineJob({
    name: "container.event",
    queue: QUEUES.control,
    schema: z.object({
      version: z.literal(1),
      hostId: hostFacts.shape.hostId,
      dockerId: z.string().min(12).max(64),
      name: z.string().max(128),
      appId: z.string().max(64).nullable(),
      kind: z.enum(["die", "start"]),
      /** die: the exit code, and whether an `oom` event came first; start: those of the exit before it (null if unknown). */
      exitCode: z.number().int().nullable(),
      oom: z.boolean(),
      restartCount: z.number().int().nonnegative(),
      memoryLimitBytes: z.number().int().nonnegative().nullable(),
      at: z.string().datetime(),
    }),
  }),
  /** Run one deployment to its end (job id = deployment id); serialised per app by an advisory lock. */
  deployRun: defineJob({ name: "deploy.run", queue: QUEUES.deploys, schema: z.object({ version: z.literal(1), deploymentId: z.string().uuid() }) }),
  /** Fails deployments whose owning worker died; scheduled every few seconds. */
  deployReap: defineJob({ name: "deploy.reap", queue: QUEUES.deploys, schema: z.object({ version: z.literal(1) }) }),
  /** Move every replica off a draining host. */
  hostDrain: defineJob({ name: "host.drain", queue: QUEUES.deploys, schema: z.object({ version: z.literal(1), hostId: hostFacts.shape.hostId }) }),
  /** Remove a deleted app's containers and routes (the rows are already gone; the payload says what to remove). */
  appTeardown: defineJob({
    name: "app.teardown",
    queue: QUEUES.deploys,
    schema: z.object({
      version: z.literal(1),
      appId: z.string(),
      /** For the team room's "removed" events (the app's row is gone when the job runs). */
      teamId: z.string().optional(),
      hostnames: z.array(z.string().max(253)).max(100),
      containers: z.array(z.object({ hostId: z.string(), name: z.string(), id: z.string().optional() })).max(1000),
    }),
  }),
  /** Rewrites the proxy's route table from the database (repairs lost updates); scheduled. */
  routesSync: defineJob({ name: "routes.sync", queue: QUEUES.deploys, schema: z.object({ version: z.literal(1) }) }),
  /** Build an image from an uploaded context through the Engine API and push it (job id = build id). */
  buildRun: defineJob({
    name: "build.run",
    queue: QUEUES.builds,
    schema: z.object({ version: z.literal(1), buildId: z.string().uuid(), deploymentId: z.string().uuid() }),
  }),
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS]["name"];
export type JobPayload<K extends keyof typeof JOBS> = z.infer<(typeof JOBS)[K]["schema"]>;
