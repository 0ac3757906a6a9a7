import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JOBS } from "./jobs.ts";

const host = {
  hostId: "host-1",
  hostname: "h1",
  dockerVersion: "20.10.24",
  cpus: 2,
  memoryBytes: 1024,
  freeMemoryBytes: 512,
  address: "127.0.0.1",
  containersRunning: 0,
};

describe("host.heartbeat payload", () => {
  it("accepts version 1 with valid facts", () => {
    assert.equal(JOBS.hostHeartbeat.schema.safeParse({ version: 1, host, sentAt: new Date().toISOString() }).success, true);
  });

  it("rejects another version, a host id with a path in it, and negative memory", () => {
    const sentAt = new Date().toISOString();
    assert.equal(JOBS.hostHeartbeat.schema.safeParse({ version: 2, host, sentAt }).success, false);
    assert.equal(JOBS.hostHeartbeat.schema.safeParse({ version: 1, host: { ...host, hostId: "../etc" }, sentAt }).success, false);
    assert.equal(JOBS.hostHeartbeat.schema.safeParse({ version: 1, host: { ...host, memoryBytes: -1 }, sentAt }).success, false);
  });

  it("has a unique name for every job", () => {
    const names = Object.values(JOBS).map((j) => j.name);
    assert.equal(new Set(names).size, names.length);
  });
});
