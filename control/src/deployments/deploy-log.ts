// A deployment's log: every line goes to a capped Redis stream (history for the API, resumable
// by id) and, batched, to the app's socket room. Used by builds and deploys alike. The stream also
// carries the build's end and the deployment's end (core/src/apps.ts), which followers wait for
// (follow-deployment.ts).
import { type BuildEnd, DEPLOY_LOG_MAX_LINES, DEPLOY_LOG_TTL_S, type DeploymentEnd, deployLogKey } from "@berth/core/apps";
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import { LOG_ARCHIVE_SET } from "@berth/core/logs";
import type { Redis } from "ioredis";

/** Longest line kept; longer ones are cut with a marker. */
export const MAX_LINE_CHARS = 8_192;

export type DeployLog = {
  /** Appends lines (already split; trailing newline-free). */
  write: (...lines: string[]) => Promise<void>;
  /** The last `n` lines written through this writer (for failure reasons). */
  tail: (n: number) => string[];
};

export function deployLog(redis: Redis, appId: string, deploymentId: string): DeployLog {
  const key = deployLogKey(deploymentId);
  const recent: string[] = [];
  return {
    async write(...raw) {
      if (raw.length === 0) return;
      const lines = raw.map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)} … [line cut at ${MAX_LINE_CHARS} characters]` : l));
      const multi = redis.multi();
      for (const text of lines) multi.xadd(key, "MAXLEN", "~", String(DEPLOY_LOG_MAX_LINES), "*", "t", text);
      multi.expire(key, DEPLOY_LOG_TTL_S);
      // The archiver copies the stream to Postgres, where the log outlives the stream.
      multi.sadd(LOG_ARCHIVE_SET, key);
      const res = (await multi.exec()) ?? [];
      const ids = res.slice(0, lines.length).map(([, id]) => String(id));
      const ts = new Date().toISOString();
      const message: BusMessage = {
        type: "deployment.log",
        room: ROOMS.app(appId),
        payload: { version: 1, appId, deploymentId, lines: lines.map((text, i) => ({ id: ids[i] ?? "", ts, text })) },
      };
      await redis.publish(EVENTS_CHANNEL, JSON.stringify(message));
      recent.push(...lines);
      if (recent.length > 200) recent.splice(0, recent.length - 200);
    },
    tail: (n) => recent.slice(-n),
  };
}

/** Marks the end of the deployment's build in its log (after the build row was written). */
export async function appendBuildEnd(redis: Redis, deploymentId: string, build: BuildEnd): Promise<void> {
  await appendMarker(redis, deploymentId, "build", JSON.stringify(build));
}

/** Marks the end of the deployment in its log (after its row was written): followers end there. */
export async function appendDeploymentEnd(redis: Redis, deploymentId: string, end: DeploymentEnd): Promise<void> {
  await appendMarker(redis, deploymentId, "end", JSON.stringify(end));
}

// Not a line: no socket message, and the archiver skips it (the row holds the outcome for good).
async function appendMarker(redis: Redis, deploymentId: string, field: "build" | "end", value: string): Promise<void> {
  const key = deployLogKey(deploymentId);
  await redis.multi().xadd(key, "MAXLEN", "~", String(DEPLOY_LOG_MAX_LINES), "*", field, value).expire(key, DEPLOY_LOG_TTL_S).exec();
}
