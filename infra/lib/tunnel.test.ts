import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createLogger } from "@berth/core/logger";
import { type Endpoint, parseArgs, parseEndpoint, startTunnel } from "./tunnel.ts";

const log = createLogger({ process: "tunnel-test", level: "silent" });
const dir = mkdtempSync(join(tmpdir(), "berth-tunnel-"));
const closers: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

/** A TCP server on 127.0.0.1 that answers each connection's whole input, upper-cased, once the client has finished sending. */
async function shoutServer(): Promise<number> {
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => socket.end(Buffer.concat(chunks).toString().toUpperCase()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** Sends `text`, half-closes, and reads the answer to its end. */
function exchange(to: Endpoint, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket =
      to.kind === "tcp" ? createConnection({ host: to.host, port: to.port, allowHalfOpen: true }) : createConnection({ path: to.path, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => {
      socket.end();
      resolve(Buffer.concat(chunks).toString());
    });
    socket.on("error", reject);
    socket.end(text);
  });
}

describe("tunnel", () => {
  it("reads tcp: and unix: addresses, and pairs each --listen with the --to after it", () => {
    assert.deepEqual(parseEndpoint("tcp:127.0.0.1:5000"), { kind: "tcp", host: "127.0.0.1", port: 5000 });
    assert.deepEqual(parseEndpoint("unix:/run/x.sock"), { kind: "unix", path: "/run/x.sock" });
    for (const bad of ["tcp:127.0.0.1", "tcp:127.0.0.1:70000", "unix:relative.sock", "127.0.0.1:5000"])
      assert.throws(() => parseEndpoint(bad), /not an address/);
    assert.deepEqual(parseArgs(["--name", "t", "--listen", "unix:/a", "--to", "tcp:127.0.0.1:1", "--listen", "tcp:127.0.0.1:2", "--to", "unix:/b"]), {
      name: "t",
      routes: [
        { listen: { kind: "unix", path: "/a" }, to: { kind: "tcp", host: "127.0.0.1", port: 1 } },
        { listen: { kind: "tcp", host: "127.0.0.1", port: 2 }, to: { kind: "unix", path: "/b" } },
      ],
    });
    assert.throws(() => parseArgs(["--to", "unix:/b"]), /must follow/);
    assert.throws(() => parseArgs(["--listen", "unix:/a"]), /has no --to/);
    assert.throws(() => parseArgs([]), /at least once/);
  });

  it("carries a connection over TCP, a unix socket and TCP again, both ways and to its end; the socket is root's only", async () => {
    const port = await shoutServer();
    const socket = join(dir, "hop.sock");
    // As on a namespace host: the far forwarder from the socket to the service, the near one from a port to the socket.
    const far = await startTunnel([{ listen: { kind: "unix", path: socket }, to: { kind: "tcp", host: "127.0.0.1", port } }], log);
    closers.push(far.close);
    const near = await startTunnel([{ listen: { kind: "tcp", host: "127.0.0.1", port: 0 }, to: { kind: "unix", path: socket } }], log);
    closers.push(near.close);
    const [entry] = near.listening;
    assert.ok(entry?.kind === "tcp" && entry.port > 0);
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    const big = "x".repeat(1_000_000);
    const answers = await Promise.all([exchange(entry, "hello"), exchange(entry, big), exchange(entry, "")]);
    assert.deepEqual(answers, ["HELLO", big.toUpperCase(), ""]);
  });

  it("replaces a socket file a killed forwarder left behind, and closes a client whose target is gone", async () => {
    const socket = join(dir, "stale.sock");
    const first = await startTunnel([{ listen: { kind: "unix", path: socket }, to: { kind: "tcp", host: "127.0.0.1", port: 1 } }], log);
    // Not closed: its file stays, as after SIGKILL.
    closers.push(first.close);
    const again = await startTunnel([{ listen: { kind: "unix", path: socket }, to: { kind: "unix", path: join(dir, "nobody.sock") } }], log);
    closers.push(again.close);
    const outcome = await exchange({ kind: "unix", path: socket }, "anyone?").catch((err: NodeJS.ErrnoException) => err.code);
    assert.ok(outcome === "" || outcome === "ECONNRESET", `closed without an answer: ${outcome}`);
  });
});
