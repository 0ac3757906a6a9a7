import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "@berth/core/logger";
import { RouteTable } from "./route-table.ts";

const log = createLogger({ process: "test", level: "silent" });
const entry = (port: number) => JSON.stringify({ appId: "app1", upstreams: [{ address: "127.0.0.1", port }] });

describe("RouteTable", () => {
  it("looks hostnames up case-insensitively, with or without the trailing dot", () => {
    const t = new RouteTable(log);
    assert.equal(t.apply("Web-Acme.localhost", entry(8081)), "set");
    assert.equal(t.lookup("WEB-ACME.LOCALHOST.")?.upstreams[0]?.port, 8081);
    assert.equal(t.apply("web-acme.localhost", entry(8081)), "unchanged");
    assert.equal(t.apply("web-acme.localhost", null), "deleted");
    assert.equal(t.lookup("web-acme.localhost"), undefined);
  });

  it("drops an entry that does not match the schema instead of serving it", () => {
    const t = new RouteTable(log);
    t.apply("a.localhost", entry(1));
    assert.equal(t.apply("a.localhost", "{not json"), "invalid");
    assert.equal(t.lookup("a.localhost"), undefined);
    assert.equal(t.apply("a.localhost", JSON.stringify({ appId: "x", upstreams: [{ address: "localhost", port: 1 }] })), "invalid");
    assert.equal(t.apply("a.localhost", JSON.stringify({ appId: "x", upstreams: [{ address: "localhost", port: 1 }] })), "unchanged");
  });

  it("replaces everything on a full reload and counts what changed", () => {
    const t = new RouteTable(log);
    t.apply("a.localhost", entry(1));
    t.apply("b.localhost", entry(2));
    assert.equal(t.replaceAll({ "b.localhost": entry(2), "c.localhost": entry(3) }), 2);
    assert.equal(t.lookup("a.localhost"), undefined);
    assert.equal(t.lookup("c.localhost")?.upstreams[0]?.port, 3);
    assert.equal(t.size, 2);
    assert.equal(t.replaceAll({ "b.localhost": entry(2), "c.localhost": entry(3) }), 0);
  });
});
