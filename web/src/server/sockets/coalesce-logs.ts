// Fan-out cost control for app.log. A runtime-host flushes an app's lines every LOG_FLUSH_MS, so
// a steady app yields ~100 bus messages a second; each becomes one WebSocket frame per viewer.
// For a room watched by many (1,000 viewers: 100,000 frames a second, more than one core can
// write), the messages of a short window are merged into one, sized to the room: a small room
// gets every message at once (no added latency), a crowded one at most one per window. A message
// arriving after a quiet spell always goes at once; order is kept.
import type { ServerToClientEvents } from "@berth/core";

export type AppLogPayload = Parameters<ServerToClientEvents["app.log"]>[0];

/** Rooms up to this many local sockets are never delayed. */
export const SMALL_ROOM = 50;
/** The window grows with the room (ms per viewer) up to a ceiling that keeps p99 in budget. */
export const MS_PER_VIEWER = 0.04;
export const MAX_WINDOW_MS = 40;
/** A merged message never carries more lines than this (a flood flushes early). */
export const MAX_MERGED_LINES = 2_000;

export const windowFor = (viewers: number): number => (viewers <= SMALL_ROOM ? 0 : Math.min(MAX_WINDOW_MS, viewers * MS_PER_VIEWER));

export function createLogCoalescer(opts: { roomSize: (room: string) => number; emit: (room: string, payload: AppLogPayload) => void; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const pending = new Map<string, { payload: AppLogPayload; timer: NodeJS.Timeout }>();
  const lastEmit = new Map<string, number>();

  const emitNow = (room: string, payload: AppLogPayload) => {
    opts.emit(room, payload);
    lastEmit.set(room, now());
  };
  const flush = (room: string) => {
    const p = pending.get(room);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(room);
    emitNow(room, p.payload);
  };

  return {
    push(room: string, payload: AppLogPayload): void {
      const held = pending.get(room);
      if (held && held.payload.appId === payload.appId && held.payload.lines.length + payload.lines.length <= MAX_MERGED_LINES) {
        held.payload.lines.push(...payload.lines);
        return;
      }
      if (held) flush(room);
      const wait = windowFor(opts.roomSize(room));
      const since = now() - (lastEmit.get(room) ?? Number.NEGATIVE_INFINITY);
      if (wait === 0) {
        opts.emit(room, payload);
        lastEmit.delete(room);
        return;
      }
      if (since >= wait) {
        emitNow(room, payload);
        return;
      }
      const copy = { ...payload, lines: [...payload.lines] };
      pending.set(room, { payload: copy, timer: setTimeout(() => flush(room), wait - since) });
    },
    close(): void {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
      lastEmit.clear();
    },
  };
}
