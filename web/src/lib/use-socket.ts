"use client";
// One socket.io connection per page component, joined to the rooms the server authorises.
import type { ClientToServerEvents, ServerToClientEvents } from "@berth/core";
import { useEffect, useRef } from "react";
import { io, type Socket } from "socket.io-client";

/** The key of "a socket that joins no room" (no room name holds a NUL). */
const NO_ROOM = "\u0000";

export type BerthSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What `bind` may register besides event handlers: a call on every reconnect (not the first connect). */
export type SocketHooks = { onReconnect: (fn: () => void) => void };

/**
 * Opens a socket, joins `rooms` on every connect (rooms do not survive a reconnect) and calls
 * `bind` once to register handlers. `null` joins nothing (the caller joins through its own event,
 * e.g. "logs.follow"); an empty list opens no socket at all (nothing to watch yet).
 */
export function useSocket(rooms: string | readonly string[] | null, bind: (socket: BerthSocket, hooks: SocketHooks) => void) {
  const bindRef = useRef(bind);
  bindRef.current = bind;
  const key = rooms === null ? NO_ROOM : typeof rooms === "string" ? rooms : rooms.join("\n");
  useEffect(() => {
    if (key === "") return;
    const joined = key === NO_ROOM ? [] : key.split("\n");
    const socket: BerthSocket = io({ path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
    const reconnects: (() => void)[] = [];
    let connects = 0;
    socket.on("connect", () => {
      for (const room of joined) socket.emit("subscribe", room, () => {});
      // Events sent while the socket was away are lost: whoever cares reads the state again.
      if (++connects > 1) for (const fn of reconnects) fn();
    });
    // Rights taken away while the page is open: the session is gone (sign in again), or a room or
    // terminal was dropped (the terminal view shows its exit reason; others may listen for the event).
    socket.on("revoked", (p) => {
      window.dispatchEvent(new CustomEvent("berth:revoked", { detail: p }));
      if (p.what === "connection") window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    });
    bindRef.current(socket, { onReconnect: (fn) => reconnects.push(fn) });
    return () => {
      socket.disconnect();
    };
  }, [key]);
}
