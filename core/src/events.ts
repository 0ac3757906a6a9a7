// socket.io events between web and browsers. Payloads are zod schemas with a version,
// so server and client agree on one definition.
import { z } from "zod";
import { DEPLOYMENT_STATES } from "./apps.ts";
import { hostFacts } from "./jobs.ts";
import { appLogLine, containerStats, logCursor } from "./logs.ts";

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

/** New lines of an app's runtime log (room: logs:<appId>), oldest first; ids are cursors. */
export const appLog = z.object({ version: z.literal(1), appId: z.string(), lines: z.array(appLogLine) });
/** New metrics samples of an app's containers (room: metrics:<appId>). */
export const containerStatsEvent = z.object({ version: z.literal(1), appId: z.string(), samples: z.array(containerStats) });

export const terminalOutput = z.object({ sessionId: z.string(), data: z.string() });
export const terminalExit = z.object({ sessionId: z.string(), exitCode: z.number().int().nullable(), reason: z.string().nullable() });
/**
 * Something this socket held is no longer allowed (a token revoked, a session signed out, a member
 * removed or their role changed, a team deleted): the whole connection (then it is closed), one
 * room (left), or one terminal (closed; its terminal.exit follows). `message` is for the viewer.
 */
export const socketRevoked = z.object({
  version: z.literal(1),
  what: z.enum(["connection", "room", "terminal"]),
  room: z.string().optional(),
  sessionId: z.string().optional(),
  message: z.string(),
});

/** Start (or resume after `after`) following an app's runtime log; without `after`, the last `tail` lines. */
export const logsFollow = z.object({
  appId: z.string().uuid(),
  after: logCursor.optional(),
  tail: z.number().int().min(0).max(5_000).default(200),
});
export type LogsFollowAck =
  | { ok: true; lines: z.infer<typeof appLogLine>[] /** More history after the last line than one answer holds: page with the API. */; more: boolean }
  | { ok: false; code: string; message: string };

export const terminalOpenRequest = z.object({
  team: z.string().min(1).max(64),
  /** Berth's container id (as in the containers API). */
  containerId: z.string().uuid(),
  cols: z.number().int().min(1).max(1_000),
  rows: z.number().int().min(1).max(1_000),
});
export type TerminalOpenAck = { ok: true; sessionId: string } | { ok: false; code: string; message: string };

export type ServerToClientEvents = {
  "app.log": (payload: z.infer<typeof appLog>) => void;
  "container.stats": (payload: z.infer<typeof containerStatsEvent>) => void;
  "terminal.output": (payload: z.infer<typeof terminalOutput>) => void;
  "terminal.exit": (payload: z.infer<typeof terminalExit>) => void;
  "host.updated": (payload: z.infer<typeof hostUpdated>) => void;
  "deployment.updated": (payload: z.infer<typeof deploymentUpdated>) => void;
  "deployment.log": (payload: z.infer<typeof deploymentLog>) => void;
  "container.updated": (payload: z.infer<typeof containerUpdated>) => void;
  revoked: (payload: z.infer<typeof socketRevoked>) => void;
};

export type ClientToServerEvents = {
  /** Join a room the caller is allowed to see; the ack says whether it was granted. */
  subscribe: (room: string, ack: (res: { ok: true } | { ok: false; code: string; message: string }) => void) => void;
  unsubscribe: (room: string) => void;
  /** Joins logs:<appId> (logs.read) and answers with the history the caller has not seen. */
  "logs.follow": (req: z.input<typeof logsFollow>, ack: (res: LogsFollowAck) => void) => void;
  "logs.unfollow": (appId: string) => void;
  /** A shell in a running container (containers.exec); recorded in the team's audit log. */
  "terminal.open": (req: z.infer<typeof terminalOpenRequest>, ack: (res: TerminalOpenAck) => void) => void;
  "terminal.input": (sessionId: string, data: string) => void;
  "terminal.resize": (sessionId: string, cols: number, rows: number) => void;
  "terminal.close": (sessionId: string) => void;
};

/** Redis channel on which the worker publishes events for web to fan out to sockets. */
export const EVENTS_CHANNEL = "berth:events";

export const busMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("host.updated"), room: z.string(), payload: hostUpdated }),
  z.object({ type: z.literal("deployment.updated"), room: z.string(), payload: deploymentUpdated }),
  z.object({ type: z.literal("deployment.log"), room: z.string(), payload: deploymentLog }),
  z.object({ type: z.literal("container.updated"), room: z.string(), payload: containerUpdated }),
  z.object({ type: z.literal("app.log"), room: z.string(), payload: appLog }),
  z.object({ type: z.literal("container.stats"), room: z.string(), payload: containerStatsEvent }),
]);
export type BusMessage = z.infer<typeof busMessage>;

export const ROOMS = {
  /** Instance admins: every host's heartbeat. */
  hosts: "hosts",
  /** Members of the app's team (apps.read): deployments, their logs, containers. */
  app: (appId: string) => `app:${appId}`,
  /** Members of the team (team.read): every app's deployment.updated and container.updated (lists). */
  team: (teamId: string) => `team:${teamId}`,
  /** Members with logs.read: the app's runtime log lines (joined with "logs.follow"). */
  logs: (appId: string) => `logs:${appId}`,
  /** Members of the app's team (apps.read): metrics samples of its containers. */
  metrics: (appId: string) => `metrics:${appId}`,
} as const;
