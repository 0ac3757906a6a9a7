// socket.io handlers for browser terminals ("terminal.*").
// Placeholder until terminals land: refuses every request.
import type { BerthServerSocket, SocketDeps } from "../sockets/attach-sockets.ts";

export function registerTerminalHandlers(socket: BerthServerSocket, _deps: SocketDeps): void {
  socket.on("terminal.open", (_req, ack) => {
    if (typeof ack === "function") ack({ ok: false, code: "UNAVAILABLE", message: "terminals are not available yet" });
  });
}
