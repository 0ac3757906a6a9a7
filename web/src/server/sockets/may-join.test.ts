import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ROOMS } from "@berth/core";
import { mayJoin } from "./attach-sockets.ts";

describe("mayJoin", () => {
  it("lets a signed-in user watch hosts", () => {
    assert.equal(mayJoin(ROOMS.hosts, { userId: "u1", role: "user" }), true);
  });

  it("refuses rooms it does not know", () => {
    assert.equal(mayJoin("team:other", { userId: "u1", role: "admin" }), false);
    assert.equal(mayJoin("", { userId: "u1", role: "admin" }), false);
  });
});
