// The router's answers through a real resolver (Node's c-ares) over UDP on 127.0.0.1.
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { after, before, describe, it } from "node:test";
import { createLogger } from "@berth/core/logger";
import { encodeName, readName, TYPE } from "./dns-message.ts";
import { answer, type DnsServer, MAX_UDP_ANSWER, startDnsServer } from "./dns-server.ts";
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

  it("fits a 20-replica app on two hosts into one datagram Caddy's resolver reads, every upstream in it", () => {
    const upstreams = Array.from({ length: 20 }, (_, i) => ({ address: i % 2 ? "10.231.0.2" : "127.0.0.1", port: 32768 + i }));
    table.apply("many-0-t-51ac2bec.localhost", JSON.stringify({ appId: "many", upstreams }));
    const reply = srvAnswer("many-0-t-51ac2bec.localhost");
    assert.ok(reply.size <= MAX_UDP_ANSWER, `${reply.size} bytes`);
    assert.deepEqual(
      reply.records.sort((a, b) => a.port - b.port),
      upstreams.map((u) => ({ target: `${u.address.replaceAll(".", "-")}.ip.berth`, port: u.port })),
    );
  });

  it("answers a route with more upstreams than fit with a different subset each time, each one fitting", () => {
    const upstreams = Array.from({ length: 100 }, (_, i) => ({ address: "10.231.0.2", port: 40000 + i }));
    table.apply("huge.localhost", JSON.stringify({ appId: "huge", upstreams }));
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const reply = srvAnswer("huge.localhost");
      assert.ok(reply.size <= MAX_UDP_ANSWER, `${reply.size} bytes`);
      assert.ok(reply.records.length >= 20 && reply.records.length < 100, `${reply.records.length} records`);
      assert.equal(new Set(reply.records.map((r) => r.port)).size, reply.records.length, "no upstream twice");
      for (const r of reply.records) seen.add(r.port);
    }
    assert.ok(seen.size > 50, `over 20 queries ${seen.size} of 100 upstreams were named`);
  });
});

/** Asks the server's answer function for SRV records of `name`; returns the reply's size and its records. */
function srvAnswer(name: string): { size: number; records: { target: string; port: number }[] } {
  const header = Buffer.from([0, 42, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const query = Buffer.concat([header, encodeName(name), Buffer.from([0, TYPE.SRV, 0, 1])]);
  const reply = answer(query, table);
  assert.ok(reply);
  const records: { target: string; port: number }[] = [];
  let at = readName(reply, 12).next + 4;
  for (let i = 0; i < reply.readUInt16BE(6); i++) {
    at = readName(reply, at).next;
    const rdlength = reply.readUInt16BE(at + 8);
    records.push({ port: reply.readUInt16BE(at + 14), target: readName(reply, at + 16).name });
    at += 10 + rdlength;
  }
  assert.equal(at, reply.length);
  return { size: reply.length, records };
}
