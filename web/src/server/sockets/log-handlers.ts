// socket.io handlers for following an app's runtime log ("logs.follow" / "logs.unfollow").
// Placeholder until the log pipeline lands: refuses every request.
import type { BerthServerSocket, SocketDeps } from "./attach-sockets.ts";

export function registerLogHandlers(socket: BerthServerSocket, _deps: SocketDeps): void {
  socket.on("logs.follow", (_req, ack) => {
    if (typeof ack === "function") ack({ ok: false, code: "UNAVAILABLE", message: "log following is not available yet" });
  });
}
