// The router's answers through a real resolver (Node's c-ares) over UDP on 127.0.0.1.
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { after, before, describe, it } from "node:test";
import { createLogger } from "@berth/core/logger";
import { type DnsServer, startDnsServer } from "./dns-server.ts";
import { RouteTable } from "./route-table.ts";

const log = createLogger({ process: "test", level: "silent" });
const table = new RouteTable(log);
let server: DnsServer;
const resolver = new Resolver({ timeout: 1000, tries: 1 });

before(async () => {
  server = await startDnsServer({ host: "127.0.0.1", port: 0, table, log });
  resolver.setServers([`127.0.0.1:${server.port}`]);
  table.apply(
    "web-acme.localhost",
    JSON.stringify({
      appId: "app1",
      upstreams: [
        { address: "127.0.0.1", port: 8081 },
        { address: "10.199.0.7", port: 8082 },
      ],
    }),
  );
});
after(() => server.close());

describe("router DNS server", () => {
  it("answers SRV for a routed hostname with one record per upstream", async () => {
    const records = await resolver.resolveSrv("Web-Acme.LOCALHOST");
    assert.deepEqual(
      records.sort((a, b) => a.port - b.port),
      [
        { name: "127-0-0-1.ip.berth", port: 8081, priority: 10, weight: 10 },
        { name: "10-199-0-7.ip.berth", port: 8082, priority: 10, weight: 10 },
      ],
    );
  });

  it("resolves an upstream target to its IPv4 address, and has no IPv6 address for it", async () => {
    assert.deepEqual(await resolver.resolve4("10-199-0-7.ip.berth"), ["10.199.0.7"]);
    await assert.rejects(resolver.resolve6("10-199-0-7.ip.berth"), { code: "ENODATA" });
  });

  it("answers NXDOMAIN for a hostname without a route, and for a malformed address name", async () => {
    await assert.rejects(resolver.resolveSrv("nothing-here.localhost"), { code: "ENOTFOUND" });
    await assert.rejects(resolver.resolve4("300-0-0-1.ip.berth"), { code: "ENOTFOUND" });
  });

  it("stops answering a hostname once its route is deleted", async () => {
    table.apply("gone.localhost", JSON.stringify({ appId: "a", upstreams: [{ address: "127.0.0.1", port: 1 }] }));
    assert.equal((await resolver.resolveSrv("gone.localhost")).length, 1);
    table.apply("gone.localhost", null);
    await assert.rejects(resolver.resolveSrv("gone.localhost"), { code: "ENOTFOUND" });
  });
});
