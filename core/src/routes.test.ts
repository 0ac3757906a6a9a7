import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  appHostname,
  deleteRoute,
  ipTarget,
  parseIpTarget,
  ROUTE_REFRESH_MS,
  ROUTE_SETTLE_MS,
  ROUTES_CHANNEL,
  ROUTES_KEY,
  type RoutesRedis,
  setRoute,
} from "./routes.ts";

const recorder = () => {
  const calls: string[][] = [];
  const redis: RoutesRedis = {
    hset: async (...a) => {
      calls.push(["hset", ...a]);
      return 1;
    },
    hdel: async (...a) => {
      calls.push(["hdel", ...a]);
      return 1;
    },
    publish: async (...a) => {
      calls.push(["publish", ...a]);
      return 1;
    },
  };
  return { calls, redis };
};

describe("routes", () => {
  it("names upstream addresses inside the ip.berth zone and reads them back", () => {
    assert.equal(ipTarget("127.0.0.1"), "127-0-0-1.ip.berth.");
    assert.equal(parseIpTarget("127-0-0-1.ip.berth."), "127.0.0.1");
    assert.equal(parseIpTarget("10-199-0-7.IP.BERTH"), "10.199.0.7");
    assert.equal(parseIpTarget("256-0-0-1.ip.berth"), null);
    assert.equal(parseIpTarget("01-0-0-1.ip.berth"), null);
    assert.equal(parseIpTarget("web-acme.localhost"), null);
    assert.throws(() => ipTarget("localhost"));
  });

  it("builds an app's hostname in lowercase", () => {
    assert.equal(appHostname("Web", "acme", "localhost"), "web-acme.localhost");
  });

  it("writes the entry under the lowercased hostname, then announces the change", async () => {
    const { calls, redis } = recorder();
    await setRoute(redis, "Web-Acme.Localhost", { appId: "a1", upstreams: [{ address: "127.0.0.1", port: 8081 }] });
    await deleteRoute(redis, "web-acme.localhost");
    assert.deepEqual(calls, [
      ["hset", ROUTES_KEY, "web-acme.localhost", '{"appId":"a1","upstreams":[{"address":"127.0.0.1","port":8081}]}'],
      ["publish", ROUTES_CHANNEL, "web-acme.localhost"],
      ["hdel", ROUTES_KEY, "web-acme.localhost"],
      ["publish", ROUTES_CHANNEL, "web-acme.localhost"],
    ]);
    assert.ok(ROUTE_SETTLE_MS > ROUTE_REFRESH_MS, "the settle time covers Caddy's cache");
  });

  it("refuses an entry without upstreams or with a hostname that is not one", async () => {
    const { calls, redis } = recorder();
    await assert.rejects(setRoute(redis, "web-acme.localhost", { appId: "a1", upstreams: [] }));
    await assert.rejects(setRoute(redis, "web acme", { appId: "a1", upstreams: [{ address: "127.0.0.1", port: 1 }] }));
    assert.equal(calls.length, 0);
  });
});
