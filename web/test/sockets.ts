// socket.io clients for integration tests: connect with a session cookie or an access token,
// join rooms, and collect what arrives.
import { setTimeout as sleep } from "node:timers/promises";
import { type AppLogLine, type BusMessage, type ClientToServerEvents, EVENTS_CHANNEL, ROOMS, type ServerToClientEvents } from "@berth/core";
import type { Redis } from "ioredis";
import { io, type Socket } from "socket.io-client";
import { stack } from "./config.ts";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects (websocket only, no reconnection); rejects with the server's refusal code. */
export function connect(auth: { cookie?: string; token?: string }, url = stack.webUrl): Promise<TestSocket> {
  const socket: TestSocket = io(url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
    auth: auth.token ? { token: auth.token } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

export async function subscribe(socket: TestSocket, room: string): Promise<{ ok: boolean; code?: string }> {
  const res = await socket.timeout(10_000).emitWithAck("subscribe", room);
  return res.ok ? { ok: true } : { ok: false, code: res.code };
}

/** Records every event of the given names, in arrival order. */
export function record<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const got: Parameters<ServerToClientEvents[E]>[0][] = [];
  // biome-ignore lint/suspicious/noExplicitAny: the listener's type is the event's, which TypeScript cannot narrow here
  socket.on(event, ((payload: any) => got.push(payload)) as any);
  return got;
}

/** Waits (bounded) until `check` holds; false when it never did. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Publishes lines on the bus as a runtime-host does (after writing them to the app's stream). */
export async function publishLines(redis: Redis, appId: string, lines: AppLogLine[]): Promise<void> {
  const message: BusMessage = { type: "app.log", room: ROOMS.logs(appId), payload: { version: 1, appId, lines } };
  await redis.publish(EVENTS_CHANNEL, JSON.stringify(message));
}

export const fakeLine = (id: string, text: string): AppLogLine => ({
  id,
  ts: new Date(Number(id.split("-")[0])).toISOString(),
  container: "0123456789ab",
  replica: "test-replica",
  stream: "stdout",
  text,
});
