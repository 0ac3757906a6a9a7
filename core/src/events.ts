// socket.io events between web and browsers. Payloads are zod schemas with a version,
// so server and client agree on one definition.
import { z } from "zod";
import { DEPLOYMENT_STATES } from "./apps.ts";
import { hostFacts } from "./jobs.ts";

export const hostUpdated = z.object({
  version: z.literal(1),
  host: hostFacts.extend({ lastHeartbeatAt: z.string().datetime() }),
});

/** A deployment changed state (room: the app's). The page refetches details through the API. */
export const deploymentUpdated = z.object({
  version: z.literal(1),
  appId: z.string(),
  deploymentId: z.string(),
  status: z.enum(DEPLOYMENT_STATES),
  reason: z.string().nullable(),
});
/** New lines of a deployment's log (room: the app's); `id` is the line's cursor for GET …/log?after=. */
export const deploymentLog = z.object({
  version: z.literal(1),
  appId: z.string(),
  deploymentId: z.string(),
  lines: z.array(z.object({ id: z.string(), ts: z.string(), text: z.string() })),
});
/** One of the app's containers changed (created, state, removed). */
export const containerUpdated = z.object({ version: z.literal(1), appId: z.string(), containerId: z.string(), state: z.string() });

export type ServerToClientEvents = {
  "host.updated": (payload: z.infer<typeof hostUpdated>) => void;
  "deployment.updated": (payload: z.infer<typeof deploymentUpdated>) => void;
  "deployment.log": (payload: z.infer<typeof deploymentLog>) => void;
  "container.updated": (payload: z.infer<typeof containerUpdated>) => void;
};

export type ClientToServerEvents = {
  /** Join a room the caller is allowed to see; the ack says whether it was granted. */
  subscribe: (room: string, ack: (res: { ok: true } | { ok: false; code: string; message: string }) => void) => void;
};

/** Redis channel on which the worker publishes events for web to fan out to sockets. */
export const EVENTS_CHANNEL = "berth:events";

export const busMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("host.updated"), room: z.string(), payload: hostUpdated }),
  z.object({ type: z.literal("deployment.updated"), room: z.string(), payload: deploymentUpdated }),
  z.object({ type: z.literal("deployment.log"), room: z.string(), payload: deploymentLog }),
  z.object({ type: z.literal("container.updated"), room: z.string(), payload: containerUpdated }),
]);
export type BusMessage = z.infer<typeof busMessage>;

export const ROOMS = {
  /** Instance admins: every host's heartbeat. */
  hosts: "hosts",
  /** Members of the app's team (apps.read): deployments, their logs, containers. */
  app: (appId: string) => `app:${appId}`,
} as const;
