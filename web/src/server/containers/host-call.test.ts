import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostFailure } from "./host-call.ts";

describe("hostFailure", () => {
  it("keeps the code a runtime-host refused with", () => {
    const e = hostFailure("h1", "NOT_FOUND: no container named x on this host");
    assert.deepEqual([e.code, e.message], ["NOT_FOUND", "no container named x on this host"]);
  });

  it("names the host for anything else", () => {
    const e = hostFailure("h1", "connect ENOENT /var/run/docker.sock");
    assert.deepEqual([e.code, e.message], ["INTERNAL", "host h1 failed: connect ENOENT /var/run/docker.sock"]);
  });
});
