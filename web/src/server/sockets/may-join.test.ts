import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ROOMS, type Role } from "@berth/core";
import { mayJoin } from "./attach-sockets.ts";

const APP = "0b5f7a34-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const roles =
  (table: Record<string, Role>) =>
  async (appId: string, userId: string): Promise<Role | null> =>
    table[`${appId}/${userId}`] ?? null;

describe("mayJoin", () => {
  it("lets a signed-in user watch hosts", async () => {
    assert.equal(await mayJoin(ROOMS.hosts, { userId: "u1", role: "user" }, roles({})), true);
  });

  it("lets members of the app's team watch its room, and no one else", async () => {
    const lookup = roles({ [`${APP}/viewer`]: "viewer", [`${APP}/owner`]: "owner" });
    assert.equal(await mayJoin(ROOMS.app(APP), { userId: "viewer", role: "user" }, lookup), true);
    assert.equal(await mayJoin(ROOMS.app(APP), { userId: "owner", role: "user" }, lookup), true);
    // Instance admins get no pass: the room is the team's.
    assert.equal(await mayJoin(ROOMS.app(APP), { userId: "stranger", role: "admin" }, lookup), false);
  });

  it("refuses rooms it does not know", async () => {
    assert.equal(await mayJoin("team:other", { userId: "u1", role: "admin" }, roles({})), false);
    assert.equal(await mayJoin("app:not-a-uuid", { userId: "u1", role: "admin" }, roles({})), false);
    assert.equal(await mayJoin("", { userId: "u1", role: "admin" }, roles({})), false);
  });
});
