// Events of an app's room (`app:<id>`) that the worker publishes for web to relay to sockets.
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import type { Redis } from "ioredis";

/** One of the app's containers was created, changed state or was removed. */
export async function publishContainer(publisher: Redis, appId: string, containerId: string, state: string): Promise<void> {
  const message: BusMessage = { type: "container.updated", room: ROOMS.app(appId), payload: { version: 1, appId, containerId, state } };
  await publisher.publish(EVENTS_CHANNEL, JSON.stringify(message));
}
