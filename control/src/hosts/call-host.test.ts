import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError } from "@berth/core";
import { hostFailure } from "./call-host.ts";

describe("hostFailure", () => {
  it("keeps the code a runtime-host refused with, and names the host", () => {
    const e = hostFailure("h1", new AppError("NOT_FOUND", "no container named x on this host").toWire());
    assert.deepEqual([e.code, e.message, e.hostId], ["NOT_FOUND", "no container named x on this host", "h1"]);
  });

  it("names the host for anything else", () => {
    const e = hostFailure("h1", "connect ENOENT /var/run/docker.sock");
    assert.deepEqual([e.code, e.message], ["INTERNAL", "host h1 failed: connect ENOENT /var/run/docker.sock"]);
  });

  it("does not take a code from a plain message that merely looks like one", () => {
    assert.equal(hostFailure("h1", "NOT_FOUND: spoofed by a container name").code, "INTERNAL");
  });
});
