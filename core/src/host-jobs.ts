// Work for one runtime-host, on its own queue (`host.<id>`, core/src/queues.ts). Each job has a
// payload schema and a result schema: the worker enqueues and waits for the result; the
// runtime-host validates, does the work through its Docker Engine and returns the result.
import { z } from "zod";
import { observedContainer } from "./jobs.ts";

const containerName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, "lowercase letters, digits, _ . -");

export const containerSpec = z.object({
  name: containerName,
  image: z.string().min(1).max(512),
  cmd: z.array(z.string().max(4096)).max(64).optional(),
  /** Plain (non-secret) env. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(32_768)).default({}),
  /**
   * The secret env, as JSON of name -> value sealed to the target host's own key
   * (core/src/host-seal.ts): it crosses Redis only as ciphertext, and only that host opens it.
   */
  sealedEnv: z.string().max(4_000_000).optional(),
  labels: z.object({
    team: z.string().min(1),
    /** The team's id: its network on the host is named from it (core's teamNetworkName), and so labelled. */
    teamId: z.string().regex(/^[a-z0-9-]{1,64}$/),
    app: z.string().optional(),
    /** The app's id: its runtime log and metrics streams are keyed by it. */
    appId: z.string().optional(),
    release: z.string().optional(),
    /** Names (never values) of the env vars that are secrets: their values are redacted from the log. */
    secretKeys: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
      .max(256)
      .optional(),
  }),
  /** A container port to publish on 127.0.0.1 at a port the engine picks. */
  port: z.number().int().min(1).max(65_535).optional(),
  limits: z
    .object({
      memoryBytes: z
        .number()
        .int()
        .min(6 * 1024 * 1024)
        .optional(),
      /** CPUs in billionths (1.5 CPUs = 1_500_000_000). */
      nanoCpus: z.number().int().positive().optional(),
      pids: z.number().int().positive().max(65_536).default(512),
    })
    .default({ pids: 512 }),
  restart: z.enum(["no", "on-failure", "unless-stopped"]).default("unless-stopped"),
  /** Host paths mounted in: only specs from instance admins' apps carry these (checked by web). */
  binds: z.array(z.object({ source: z.string().startsWith("/"), target: z.string().startsWith("/"), readOnly: z.boolean().default(false) })).default([]),
  /**
   * The app's named volumes by the app's own name for them: the host names each from the app's id
   * (core's volumeName), labels it with its owner and mounts only one whose labels say so.
   * `legacyName`: what an older Berth called it; its data is moved over when the volume is first needed.
   */
  volumes: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/),
        target: z.string().startsWith("/").max(4096),
        legacyName: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_.-]{0,254}$/)
          .optional(),
        /** Another app's volume could have had that legacy name too: the host does not move it, an instance admin does. */
        legacyShared: z.boolean().optional(),
      }),
    )
    .default([]),
});
export type ContainerSpec = z.infer<typeof containerSpec>;

/**
 * Credentials for the engine to pull from or push to Berth's registry: a short-lived registry
 * JWT minted by the worker for exactly this repository (Docker's AuthConfig.RegistryToken).
 */
export const registryAuth = z.object({ serveraddress: z.string(), registrytoken: z.string() });

const defineHostJob = <N extends string, P extends z.ZodType, R extends z.ZodType>(def: { name: N; schema: P; result: R }) => def;

export const HOST_JOBS = {
  containerRun: defineHostJob({
    name: "container.run",
    /** `pull`: pull the image first (always, when given: the tag may have moved). */
    schema: z.object({ version: z.literal(1), spec: containerSpec, pull: registryAuth.optional() }),
    result: z.object({ dockerId: z.string(), hostPort: z.number().int().nullable() }),
  }),
  /**
   * Health-check a container from its host, through the port it publishes on 127.0.0.1: HTTP
   * (status < 400) or TCP connect, `attempts` tries `intervalMs` apart; or (`engine`) wait for the
   * Engine's verdict on the image's own HEALTHCHECK (State.Health: `healthy`, or `unhealthy` with
   * the check's last output), within `deadlineMs`. Stops early when the container exits. On
   * failure `logs` holds its last lines.
   */
  containerProbe: defineHostJob({
    name: "container.probe",
    schema: z.object({
      version: z.literal(1),
      name: containerName,
      check: z.union([
        z.object({
          type: z.enum(["http", "tcp"]),
          path: z.string(),
          timeoutS: z.number().int().positive(),
          attempts: z.number().int().positive(),
          intervalMs: z.number().int().positive(),
        }),
        z.object({ type: z.literal("engine"), deadlineMs: z.number().int().positive() }),
      ]),
    }),
    result: z.object({
      ok: z.boolean(),
      attempts: z.number().int(),
      /** Why the last attempt failed, or the passing status. */
      detail: z.string(),
      exited: z.boolean(),
      exitCode: z.number().int().nullable(),
      oomKilled: z.boolean(),
      logs: z.array(z.string()),
    }),
  }),
  /** Every container Berth manages on this host (label berth.managed). */
  containerList: defineHostJob({
    name: "container.list",
    schema: z.object({ version: z.literal(1) }),
    result: z.object({ containers: z.array(observedContainer) }),
  }),
  /** Run a command to completion in a new container (removed afterwards): output capped, OOM and time-outs reported. */
  containerOneOff: defineHostJob({
    name: "container.oneoff",
    schema: z.object({ version: z.literal(1), spec: containerSpec, timeoutS: z.number().int().min(1).max(600), pull: registryAuth.optional() }),
    result: z.object({
      exitCode: z.number().int().nullable(),
      oomKilled: z.boolean(),
      timedOut: z.boolean(),
      /** stdout and stderr interleaved, the last 64 KiB. */
      output: z.string(),
      durationMs: z.number(),
    }),
  }),
  containerAction: defineHostJob({
    name: "container.action",
    schema: z.object({ version: z.literal(1), name: containerName, action: z.enum(["start", "stop", "restart", "kill", "remove"]) }),
    result: z.object({ state: z.string() }),
  }),
  /**
   * An app was deleted (alone or with its team): remove the volumes labelled as its own on this
   * host. A volume a container still uses is left and reported in `inUse`.
   */
  volumesRemove: defineHostJob({
    name: "volumes.remove",
    schema: z.object({ version: z.literal(1), appId: z.string().regex(/^[a-z0-9-]{1,64}$/) }),
    result: z.object({ removed: z.array(z.string()), inUse: z.array(z.string()) }),
  }),
  containerCommit: defineHostJob({
    name: "container.commit",
    schema: z.object({
      version: z.literal(1),
      name: containerName,
      repo: z.string().min(1).max(255),
      tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
      /** When given, the new tag is pushed to the registry (`repo` then includes the registry address). */
      push: registryAuth.optional(),
    }),
    result: z.object({ imageId: z.string(), digest: z.string().nullable() }),
  }),
} as const;

export type HostJobKey = keyof typeof HOST_JOBS;
export type HostJobPayload<K extends HostJobKey> = z.infer<(typeof HOST_JOBS)[K]["schema"]>;
export type HostJobResult<K extends HostJobKey> = z.infer<(typeof HOST_JOBS)[K]["result"]>;

/** Labels Berth puts on every container it runs, to find them again after a restart. */
export const LABELS = {
  managed: "berth.managed",
  team: "berth.team",
  app: "berth.app",
  appId: "berth.app-id",
  /** On networks and volumes (and containers): the owning team's id. */
  teamId: "berth.team-id",
  /** On volumes: the app's own name for the volume. */
  volume: "berth.volume",
  /** On a volume whose data was copied from an older Berth's volume of that name (until that one is gone, the copy is unfinished). */
  migratedFrom: "berth.migrated-from",
  release: "berth.release",
  /** Comma-separated env var names whose values are redacted from the container's log. */
  secretKeys: "berth.secret-keys",
} as const;
