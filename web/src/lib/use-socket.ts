"use client";
// One socket.io connection per page component, joined to a room the server authorises.
import type { ClientToServerEvents, ServerToClientEvents } from "@berth/core";
import { useEffect, useRef } from "react";
import { io, type Socket } from "socket.io-client";

export type BerthSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function useSocket(room: string, bind: (socket: BerthSocket) => void) {
  const bindRef = useRef(bind);
  bindRef.current = bind;
  useEffect(() => {
    const socket: BerthSocket = io({ path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
    bindRef.current(socket);
    // (Re)join on every connect: rooms do not survive a reconnect.
    socket.on("connect", () => socket.emit("subscribe", room, () => {}));
    return () => {
      socket.disconnect();
    };
  }, [room]);
}
