// socket.io events between web and browsers. Payloads are zod schemas with a version,
// so server and client agree on one definition.
import { z } from "zod";
import { hostFacts } from "./jobs.ts";

export const hostUpdated = z.object({
  version: z.literal(1),
  host: hostFacts.extend({ lastHeartbeatAt: z.string().datetime() }),
});

export type ServerToClientEvents = {
  "host.updated": (payload: z.infer<typeof hostUpdated>) => void;
};

export type ClientToServerEvents = {
  /** Join a room the caller is allowed to see; the ack says whether it was granted. */
  subscribe: (room: string, ack: (res: { ok: true } | { ok: false; code: string; message: string }) => void) => void;
};

/** Redis channel on which the worker publishes events for web to fan out to sockets. */
export const EVENTS_CHANNEL = "berth:events";

export const busMessage = z.discriminatedUnion("type", [z.object({ type: z.literal("host.updated"), room: z.string(), payload: hostUpdated })]);
export type BusMessage = z.infer<typeof busMessage>;

export const ROOMS = {
  /** Instance admins: every host's heartbeat. */
  hosts: "hosts",
} as const;
