// A byte forwarder: the local stand-in for the SSH tunnel a real second host keeps to the control
// plane (README, "Hosts"). Each `--listen A --to B` pair accepts connections on A and opens one to B
// per connection, then copies bytes both ways until either side closes.
//   node --import tsx infra/lib/tunnel.ts --name tunnel --listen unix:/…/redis.sock --to tcp:127.0.0.1:56379 …
// An address is `tcp:HOST:PORT` or `unix:PATH`. A unix socket is a file, so it crosses network
// namespaces: one forwarder in the root namespace listens on sockets and reaches Redis and the
// registry on 127.0.0.1; one inside the namespace host listens on that host's 127.0.0.1 and reaches
// the sockets (infra/services/host2.sh starts both, each under infra/lib/supervise.sh).
import { chmodSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { createLogger, type Logger } from "@berth/core/logger";

export type Endpoint = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };
export type Route = { listen: Endpoint; to: Endpoint };

export function parseEndpoint(text: string): Endpoint {
  const unix = /^unix:(\/.+)$/.exec(text);
  if (unix?.[1]) return { kind: "unix", path: unix[1] };
  const tcp = /^tcp:([^:]+):(\d{1,5})$/.exec(text);
  const port = Number(tcp?.[2]);
  if (tcp?.[1] && port > 0 && port < 65536) return { kind: "tcp", host: tcp[1], port };
  throw new Error(`not an address: ${text} (tcp:HOST:PORT or unix:/absolute/path)`);
}

export const formatEndpoint = (e: Endpoint) => (e.kind === "tcp" ? `tcp:${e.host}:${e.port}` : `unix:${e.path}`);

export function parseArgs(args: readonly string[]): { name: string; routes: Route[] } {
  let name = "tunnel";
  let listen: Endpoint | undefined;
  const routes: Route[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag}: a value is missing`);
    switch (flag) {
      case "--name":
        name = value;
        break;
      case "--listen":
        if (listen) throw new Error(`--listen ${formatEndpoint(listen)} has no --to`);
        listen = parseEndpoint(value);
        break;
      case "--to":
        if (!listen) throw new Error("--to must follow its --listen");
        routes.push({ listen, to: parseEndpoint(value) });
        listen = undefined;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (listen) throw new Error(`--listen ${formatEndpoint(listen)} has no --to`);
  if (routes.length === 0) throw new Error("give --listen A --to B at least once");
  return { name, routes };
}

// Half-open both ways: a side that has finished sending may still receive (pipe passes each end on).
const connect = (e: Endpoint): Socket =>
  e.kind === "tcp"
    ? createConnection({ host: e.host, port: e.port, noDelay: true, allowHalfOpen: true })
    : createConnection({ path: e.path, allowHalfOpen: true });

/** Copies bytes between `client` and a new connection to `to`; an error on either side ends both. */
function forward(client: Socket, to: Endpoint, log: Logger): void {
  const upstream = connect(to);
  const fail = (err: NodeJS.ErrnoException) => {
    // The far side going away (Redis or the registry restarting) is routine: the client reconnects.
    const routine = err.code === "ECONNRESET" || err.code === "ECONNREFUSED" || err.code === "ENOENT" || err.code === "EPIPE";
    if (!routine) log.warn({ to: formatEndpoint(to), err: err.message }, "connection failed");
    client.destroy();
    upstream.destroy();
  };
  client.on("error", fail).on("close", () => upstream.destroy());
  upstream.on("error", fail).on("close", () => client.destroy());
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Starts listening on every route; resolves once all listen, with where each one listens (a TCP port 0 resolved). */
export async function startTunnel(routes: readonly Route[], log: Logger): Promise<{ listening: Endpoint[]; close(): Promise<void> }> {
  const servers: Server[] = [];
  const listening: Endpoint[] = [];
  for (const route of routes) {
    const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => forward(client, route.to, log));
    const { listen } = route;
    // A socket file left by a killed forwarder would refuse the bind.
    if (listen.kind === "unix") rmSync(listen.path, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      if (listen.kind === "tcp") server.listen(listen.port, listen.host, resolve);
      else server.listen(listen.path, resolve);
    });
    // Only root (the stack's processes) may use the sockets: they lead to Redis and the registry.
    if (listen.kind === "unix") chmodSync(listen.path, 0o600);
    server.on("error", (err) => log.error({ listen: formatEndpoint(listen), err: err.message }, "listener failed"));
    servers.push(server);
    const bound = server.address();
    listening.push(listen.kind === "tcp" && typeof bound === "object" && bound ? { ...listen, port: bound.port } : listen);
    log.info({ listen: formatEndpoint(listen), to: formatEndpoint(route.to) }, "forwarding");
  }
  return {
    listening,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

async function main(): Promise<void> {
  const { name, routes } = parseArgs(process.argv.slice(2));
  const log = createLogger({ process: name, level: "info" });
  const tunnel = await startTunnel(routes, log);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "stopping");
      // Open connections are not waited for: the supervisor stops this process only when the host stops.
      void tunnel.close();
      process.exit(0);
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err: Error) => {
    process.stderr.write(`tunnel: ${err.message}\n`);
    process.exit(1);
  });
}
