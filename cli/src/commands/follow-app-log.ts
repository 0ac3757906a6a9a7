// Following an app's runtime log over socket.io: "logs.follow" answers with the lines after our
// cursor, then "app.log" events bring new ones. After a reconnect we follow again from the last
// line we saw; mergeNewer drops what we already have, so there is no gap and no duplicate.
import type { AppLogLine, ClientToServerEvents, LogsFollowAck, ServerToClientEvents } from "@berth/core";
import { mergeNewer } from "@berth/core/log-merge";
import { io, type Socket } from "socket.io-client";
import type { ApiClient } from "../api-client.ts";
import type { Context } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import type { AppRef } from "./app-ref.ts";

/** Longest time one `berth logs -f` runs; a bound, not an expectation. */
const MAX_FOLLOW_MS = 24 * 3_600_000;
/** API pages when the socket's answer says more history is waiting than it carried. */
const MAX_CATCH_UP_PAGES = 100;

export type FollowAppLogOptions = {
  url: string;
  token: string;
  appId: string;
  ref: AppRef;
  /** The last line already shown (or seen); undefined = show what the log holds now. */
  after: string | undefined;
  /** API query filters (same as the list) used when paging history after a reconnect. */
  query: Record<string, string | number | undefined>;
  matches: (line: AppLogLine) => boolean;
  print: (line: AppLogLine) => void;
};

export async function followAppLog(ctx: Context, api: ApiClient, o: FollowAppLogOptions): Promise<void> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(o.url, {
    auth: { token: o.token },
    transports: ["websocket"],
    reconnectionDelayMax: 5_000,
  });
  let cursor = o.after;
  let synced = false;
  let held: AppLogLine[] = [];

  const show = (...batches: AppLogLine[][]) => {
    const r = mergeNewer(cursor, ...batches);
    cursor = r.lastId;
    for (const line of r.lines) if (o.matches(line)) o.print(line);
  };

  // The socket's answer holds at most a couple of thousand lines; the API pages the rest.
  const catchUp = async () => {
    for (let i = 0; i < MAX_CATCH_UP_PAGES && cursor; i++) {
      const { data } = await api.call("listAppLogs", { params: o.ref, query: { ...o.query, after: cursor, limit: 5000 } });
      // Filtered pages skip lines that do not match: the cursor moves to the last match.
      show(data.lines);
      if (!data.more) return;
    }
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(), MAX_FOLLOW_MS);
    const stopListening = ctx.onInterrupt(() => finish());
    function finish(err?: Error) {
      clearTimeout(timer);
      stopListening();
      socket.close();
      if (err) reject(err);
      else resolve();
    }

    socket.on("connect", () => {
      synced = false;
      socket.emit("logs.follow", cursor ? { appId: o.appId, after: cursor } : { appId: o.appId, tail: 5_000 }, (ack: LogsFollowAck) => {
        if (!ack.ok) {
          finish(new CliError(`cannot follow the log: ${ack.message}`, { exitCode: ack.code === "FORBIDDEN" ? EXIT.forbidden : EXIT.failure }));
          return;
        }
        show(ack.lines);
        const live = held;
        held = [];
        const done = () => {
          show(live);
          synced = true;
        };
        if (!ack.more) return done();
        catchUp().then(done, (err) => finish(err instanceof Error ? err : new Error(String(err))));
      });
    });
    socket.on("app.log", (payload) => {
      if (payload.appId !== o.appId) return;
      if (synced) show(payload.lines);
      else held.push(...payload.lines);
    });
    socket.on("disconnect", (reason) => {
      if (reason !== "io client disconnect") ctx.out.note(`connection lost (${reason}); reconnecting…`);
    });
    socket.on("connect_error", (err) => {
      // Refused credentials will not get better by retrying.
      if (err.message === "UNAUTHENTICATED") finish(new CliError("the server refused the access token", { exitCode: EXIT.unauthenticated }));
    });
  });
}
