// App routing through the real Caddy, router and Redis: a route change reaches Caddy without a
// config reload, so requests on kept-alive connections never fail while upstreams switch.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Agent, createServer, request, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { deleteRoute, ROUTE_SETTLE_MS, ROUTES_CHANNEL, type RouteEntry, setRoute } from "@berth/core/routes";
import { Redis } from "ioredis";
import { stack } from "../../web/test/config.ts";

const proxyPort = Number(new URL(stack.proxyUrl).port);
const hostname = `t${randomBytes(5).toString("hex")}.localhost`;
const redis = new Redis(stack.redisUrl);
const subscriber = new Redis(stack.redisUrl);
const servers: Server[] = [];
const agents: Agent[] = [];
let ports: Record<"A" | "B", number>;

type Reply = { status: number; body: string };

/** GET / on Caddy with a Host header (fetch cannot resolve *.localhost names). */
function get(host: string, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: proxyPort, path: "/", headers: { host }, agent: agent ?? false, timeout: 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Asks until `done` holds for a reply or `ms` have passed; returns the last reply and when it came. */
async function until(ms: number, done: (r: Reply) => boolean, host = `${hostname}:${proxyPort}`): Promise<Reply & { afterMs: number }> {
  const start = Date.now();
  let last: Reply = { status: 0, body: "" };
  while (Date.now() - start < ms) {
    last = await get(host).catch((err: Error) => ({ status: 0, body: err.message }));
    if (done(last)) return { ...last, afterMs: Date.now() - start };
    await sleep(25);
  }
  return { ...last, afterMs: Date.now() - start };
}

async function upstream(name: string): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(name);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

const entry = (port: number): RouteEntry => ({ appId: "router-test", upstreams: [{ address: "127.0.0.1", port }] });

// The worker's scheduled routes.sync deletes every hostname that no app has, this test's too. A step
// during which someone else changed our route (more change messages than we sent) proves nothing
// either way and runs once more.
const changes = { sent: 0, seen: 0 };
const route = {
  set: async (port: number) => {
    changes.sent++;
    await setRoute(redis, hostname, entry(port));
  },
  delete: async () => {
    changes.sent++;
    await deleteRoute(redis, hostname);
  },
};
async function step(t: { diagnostic(m: string): void }, body: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    changes.sent = 0;
    changes.seen = 0;
    let failure: unknown = null;
    await body().catch((err: unknown) => {
      failure = err;
    });
    await sleep(100); // the last change messages arrive
    const foreign = changes.seen > changes.sent;
    if (!foreign || attempt === 2) {
      if (failure) throw failure;
      return;
    }
    t.diagnostic(`someone else changed ${hostname} during the step (routes.sync?): running it again`);
  }
}

before(async () => {
  ports = { A: await upstream("A"), B: await upstream("B") };
  subscriber.on("message", (_channel: string, host: string) => {
    if (host === hostname) changes.seen++;
  });
  await subscriber.subscribe(ROUTES_CHANNEL);
});

after(async () => {
  await deleteRoute(redis, hostname).catch(() => {});
  for (const agent of agents) agent.destroy();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  redis.disconnect();
  subscriber.disconnect();
});

describe("app routing through Caddy and the router", () => {
  it("still serves the dashboard at localhost and 127.0.0.1", async () => {
    for (const host of [`localhost:${proxyPort}`, `127.0.0.1:${proxyPort}`]) {
      const res = await new Promise<number>((resolve, reject) => {
        request({ host: "127.0.0.1", port: proxyPort, path: "/api/health", headers: { host }, agent: false }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
      assert.equal(res, 200, host);
    }
  });

  it("serves a new route within seconds, whatever the case of the Host header", (t) =>
    step(t, async () => {
      await route.set(ports.A);
      const first = await until(5_000, (r) => r.body === "A");
      assert.equal(first.body, "A", `no answer from A within 5 s (last: ${first.status} ${first.body})`);
      assert.equal((await get(hostname.toUpperCase())).body, "A");
    }));

  it("switches a route to new upstreams within ROUTE_SETTLE_MS", (t) =>
    step(t, async () => {
      await route.set(ports.A);
      await until(5_000, (r) => r.body === "A");
      await route.set(ports.B);
      const changedAt = Date.now();
      const switched = await until(ROUTE_SETTLE_MS + 1_000, (r) => r.body === "B");
      assert.equal(switched.body, "B", `still ${switched.status} ${switched.body} ${switched.afterMs} ms after the change`);
      // Past the settle time, no request reaches the old upstream any more.
      await sleep(Math.max(0, changedAt + ROUTE_SETTLE_MS - Date.now()));
      const later = await Promise.all(Array.from({ length: 10 }, () => get(hostname)));
      assert.deepEqual(
        later.map((r) => r.body),
        Array(10).fill("B"),
      );
    }));

  it("loses no request on kept-alive connections while the route flips every 300 ms", (t) =>
    step(t, async () => {
      const runMs = 5_000;
      const stopAt = Date.now() + runMs;
      const tally = { ok: 0, A: 0, B: 0, failed: [] as string[] };
      const client = async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        agents.push(agent);
        while (Date.now() < stopAt) {
          try {
            const r = await get(hostname, agent);
            if (r.status === 200 && (r.body === "A" || r.body === "B")) {
              tally.ok++;
              tally[r.body]++;
            } else tally.failed.push(`${r.status} ${r.body.slice(0, 80)}`);
          } catch (err) {
            tally.failed.push((err as Error).message);
          }
        }
      };
      const flipper = async () => {
        let next: "A" | "B" = "A";
        let flips = 0;
        while (Date.now() < stopAt) {
          await route.set(ports[next]);
          flips++;
          next = next === "A" ? "B" : "A";
          await sleep(300);
        }
        return flips;
      };
      const [flips] = await Promise.all([flipper(), client(), client(), client(), client()]);
      t.diagnostic(`${tally.ok} requests answered (A ${tally.A}, B ${tally.B}), ${tally.failed.length} failed, ${flips} route changes`);
      assert.deepEqual(tally.failed.slice(0, 5), [], `${tally.failed.length} of ${tally.ok + tally.failed.length} requests failed`);
      assert.ok(flips >= 10, `only ${flips} route changes`);
      assert.ok(tally.ok >= 100, `only ${tally.ok} requests in ${runMs} ms`);
      assert.ok(tally.A > 0 && tally.B > 0, `both upstreams answered (A ${tally.A}, B ${tally.B})`);
    }));

  it("answers 503 'No app is deployed' once the route is deleted", async () => {
    await route.set(ports.A);
    await until(5_000, (r) => r.body === "A");
    await route.delete();
    const gone = await until(ROUTE_SETTLE_MS + 1_000, (r) => r.status === 503);
    assert.equal(gone.status, 503, `still ${gone.status} ${gone.body}`);
    assert.equal(gone.body.trim(), `No app is deployed at ${hostname}`);
  });
});
