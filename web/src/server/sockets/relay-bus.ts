// Relays the Redis bus (EVENTS_CHANNEL: worker, runtime-hosts) to sockets. Every web process
// subscribes and hands each message to its OWN sockets only (io.local): going through the
// adapter would deliver every line once per web process.
import { busMessage, EVENTS_CHANNEL } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import { Redis } from "ioredis";
import type { BerthServer } from "./attach-sockets.ts";
import { createLogCoalescer } from "./coalesce-logs.ts";

export function relayBus(opts: { io: BerthServer; redisUrl: string; log: Logger }): { close: () => void } {
  const { io, log } = opts;
  const sub = new Redis(opts.redisUrl);
  const logs = createLogCoalescer({
    roomSize: (room) => io.of("/").adapter.rooms.get(room)?.size ?? 0,
    emit: (room, payload) => io.local.to(room).emit("app.log", payload),
  });
  void sub.subscribe(EVENTS_CHANNEL).catch((err) => log.error({ err: (err as Error).message }, "could not subscribe to the event bus"));
  sub.on("message", (_channel, raw: string) => {
    let parsed: ReturnType<typeof busMessage.safeParse>;
    try {
      parsed = busMessage.safeParse(JSON.parse(raw));
    } catch {
      log.warn("dropped a bus message that is not JSON");
      return;
    }
    if (!parsed.success) {
      log.warn({ issue: parsed.error.issues[0]?.message }, "dropped an invalid bus message");
      return;
    }
    const m = parsed.data;
    const room = io.local.to(m.room);
    switch (m.type) {
      case "host.updated":
        room.emit("host.updated", m.payload);
        break;
      case "deployment.updated":
        room.emit("deployment.updated", m.payload);
        break;
      case "deployment.log":
        room.emit("deployment.log", m.payload);
        break;
      case "container.updated":
        room.emit("container.updated", m.payload);
        break;
      case "app.log":
        logs.push(m.room, m.payload);
        break;
      case "container.stats":
        room.emit("container.stats", m.payload);
        break;
      default: {
        const unhandled: never = m;
        log.warn({ type: (unhandled as { type: string }).type }, "dropped a bus message of an unknown type");
      }
    }
  });
  return {
    close: () => {
      logs.close();
      sub.disconnect();
    },
  };
}
