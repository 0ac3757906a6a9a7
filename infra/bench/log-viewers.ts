// A child process of the logs benchmark: opens N socket.io viewers of one app's log, prints
// "ready" once all follow it, then on "go <ms>" (stdin) records for that long the latency of each
// line (receive time - the Date.now() the container printed) and prints one JSON line: a
// histogram (bucket width and count given by the parent). Bounded: connects with a 120 s deadline, measures at most 60 s.
import { createInterface } from "node:readline";
import type { ClientToServerEvents, ServerToClientEvents } from "@berth/core";
import { io, type Socket } from "socket.io-client";

type Args = { url: string; cookie: string; appId: string; viewers: number; bucketMs: number; buckets: number };
const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const BUCKET_MS = args.bucketMs;
const BUCKETS = args.buckets; // slower lines land in the last bucket

const hist = new Uint32Array(BUCKETS);
let recording = false;
let received = 0;

async function openViewer(): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(args.url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 30_000,
    extraHeaders: { cookie: args.cookie },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  socket.on("app.log", (p) => {
    if (!recording) return;
    const now = Date.now();
    for (const line of p.lines) {
      const printed = Number(line.text);
      if (!Number.isFinite(printed) || printed < 1e12) continue; // Berth's own markers
      received++;
      const i = Math.min(BUCKETS - 1, Math.max(0, Math.floor((now - printed) / BUCKET_MS)));
      hist[i] = (hist[i] ?? 0) + 1;
    }
  });
  const ack = await socket.timeout(30_000).emitWithAck("logs.follow", { appId: args.appId, tail: 0 });
  if (!ack.ok) throw new Error(`logs.follow: ${ack.code} ${ack.message}`);
  return socket;
}

const sockets: Socket[] = [];
const deadline = setTimeout(() => {
  process.stderr.write("viewers: not all connected within 120 s\n");
  process.exit(1);
}, 120_000);
// A few at a time, as browsers arriving would.
for (let i = 0; i < args.viewers; i += 25) {
  const batch = await Promise.all(Array.from({ length: Math.min(25, args.viewers - i) }, openViewer));
  sockets.push(...(batch as unknown as Socket[]));
}
clearTimeout(deadline);
process.stdout.write("ready\n");

for await (const line of createInterface({ input: process.stdin })) {
  const m = /^go (\d+)$/.exec(line);
  if (!m) continue;
  const ms = Math.min(60_000, Number(m[1]));
  recording = true;
  await new Promise((r) => setTimeout(r, ms));
  recording = false;
  process.stdout.write(`${JSON.stringify({ received, hist: Array.from(hist) })}\n`);
  break;
}
for (const s of sockets) s.close();
process.exit(0);
