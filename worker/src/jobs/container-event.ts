// A managed container died or started (runtime-host/src/events/watch-container-events.ts): recorded on
// its row (restart count, last exit code, OOM kill and the limit, last start), and a restart by the
// Engine is told in the app's log as a Berth line, and sent to the team's webhooks as `app.crashed`:
//   [berth] replica web-1 on host h1 exited with code 137: killed: out of memory (limit 128 MiB); restarted (3rd restart)
import type { JobPayload } from "@berth/core";
import { exitText, memoryLimitMb, ordinal } from "@berth/core/container-exit";
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import { APP_LOG_MAX_LINES, APP_LOG_TTL_S, type AppLogLine, appLogKey, LOG_ARCHIVE_SET } from "@berth/core/logs";
import type { JobContext } from "./context.ts";
import { notifyWebhooks } from "./notify-webhooks.ts";

export async function containerEvent(payload: JobPayload<"containerEvent">, ctx: JobContext): Promise<void> {
  const row = await ctx.db.container.findFirst({ where: { hostId: payload.hostId, dockerId: payload.dockerId } });
  if (!row) return; // not (or no longer) Berth's record: a one-off, or removed meanwhile
  const at = new Date(payload.at);
  const memoryLimitBytes = payload.memoryLimitBytes === null ? row.memoryLimitBytes : BigInt(payload.memoryLimitBytes);
  if (payload.kind === "die") {
    await ctx.db.container.update({
      where: { id: row.id },
      data: {
        lastExitCode: payload.exitCode,
        lastExitAt: at,
        oomKilled: payload.oom,
        memoryLimitBytes,
      },
    });
    ctx.log.info({ container: row.name, hostId: payload.hostId, exitCode: payload.exitCode, oom: payload.oom }, "container exited");
    return;
  }
  // The restart count is taken at start only (at die the Engine may have restarted it already).
  // A start counted by the Engine as a restart (its restart policy) is the end of a crash.
  // Counted once: the row moves to the new count only if it is behind (a job run twice, or two starts
  // handled at once, write one line).
  const moved = await ctx.db.container.updateMany({
    where: { id: row.id, restartCount: { lt: payload.restartCount } },
    data: { lastStartedAt: at, restartCount: payload.restartCount, memoryLimitBytes },
  });
  if (moved.count === 0) await ctx.db.container.update({ where: { id: row.id }, data: { lastStartedAt: at, memoryLimitBytes } });
  if (moved.count === 0 || !row.appId) return;
  const limit = memoryLimitMb(memoryLimitBytes);
  const exit =
    payload.exitCode === null
      ? { lastExitCode: row.lastExitCode, oomKilled: row.oomKilled, memoryLimitMb: limit }
      : { lastExitCode: payload.exitCode, oomKilled: payload.oom, memoryLimitMb: limit };
  const text = `[berth] replica ${row.name} on host ${payload.hostId} ${exitText(exit)}; restarted (${ordinal(payload.restartCount)} restart)`;
  await appendBerthLine(ctx, row.appId, { dockerId: payload.dockerId, replica: row.name, text });
  const app = await ctx.db.app.findUnique({ where: { id: row.appId }, select: { name: true } });
  await notifyWebhooks(ctx, row.teamId, "app.crashed", {
    app: app?.name ?? null,
    replica: row.name,
    hostId: payload.hostId,
    exitCode: exit.lastExitCode,
    oomKilled: exit.oomKilled,
    memoryLimitMb: exit.memoryLimitMb,
    restartCount: payload.restartCount,
    restartedAt: payload.at,
  });
}

/** One Berth line into the app's runtime log, as the runtime-host's log sink writes lines (runtime-host/src/logs/log-sink.ts). */
async function appendBerthLine(ctx: JobContext, appId: string, l: { dockerId: string; replica: string; text: string }): Promise<void> {
  const key = appLogKey(appId);
  const ms = Date.now();
  const results = await ctx.redis
    .multi()
    .xadd(key, "MAXLEN", "~", APP_LOG_MAX_LINES, "*", "c", l.dockerId.slice(0, 12), "r", l.replica, "s", "m", "ts", String(ms), "t", l.text)
    .expire(key, APP_LOG_TTL_S)
    .sadd(LOG_ARCHIVE_SET, key)
    .exec();
  const id = String(results?.[0]?.[1]);
  const line: AppLogLine = { id, ts: new Date(ms).toISOString(), container: l.dockerId.slice(0, 12), replica: l.replica, stream: "system", text: l.text };
  const message: BusMessage = { type: "app.log", room: ROOMS.logs(appId), payload: { version: 1, appId, lines: [line] } };
  await ctx.publisher.publish(EVENTS_CHANNEL, JSON.stringify(message));
}
