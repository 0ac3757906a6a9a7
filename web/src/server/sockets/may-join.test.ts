import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ROOMS, type Role } from "@berth/core";
import { mayJoin, type RoleLookups, roomRule, type SocketUser } from "./may-join.ts";

const APP = "0b5f7a34-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const TEAM = "9a8b7c6d-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const lookups = (apps: Record<string, Role>, teams: Record<string, Role> = {}): RoleLookups => ({
  appRole: async (appId, userId) => apps[`${appId}/${userId}`] ?? null,
  teamRole: async (teamId, userId) => teams[`${teamId}/${userId}`] ?? null,
});
const session = (userId: string, role = "user"): SocketUser => ({ userId, role, scopes: null });

describe("mayJoin", () => {
  it("lets a signed-in user watch hosts", async () => {
    assert.equal(await mayJoin(ROOMS.hosts, session("u1"), lookups({})), true);
  });

  it("lets members of the app's team watch its app, logs and metrics rooms, and no one else", async () => {
    const l = lookups({ [`${APP}/viewer`]: "viewer", [`${APP}/owner`]: "owner" });
    for (const room of [ROOMS.app(APP), ROOMS.logs(APP), ROOMS.metrics(APP)]) {
      assert.equal(await mayJoin(room, session("viewer"), l), true, room);
      assert.equal(await mayJoin(room, session("owner"), l), true, room);
      // Instance admins get no pass: the room is the team's.
      assert.equal(await mayJoin(room, session("stranger", "admin"), l), false, room);
    }
  });

  it("lets members of a team watch the team's room, and no one else", async () => {
    const l = lookups({}, { [`${TEAM}/viewer`]: "viewer" });
    assert.equal(await mayJoin(ROOMS.team(TEAM), session("viewer"), l), true);
    assert.equal(await mayJoin(ROOMS.team(TEAM), session("stranger", "admin"), l), false);
  });

  it("holds an access token to its scopes", async () => {
    const l = lookups({ [`${APP}/dev`]: "developer" }, { [`${TEAM}/dev`]: "developer" });
    const registryOnly: SocketUser = { userId: "dev", role: "user", scopes: ["registry:read"] };
    const deployer: SocketUser = { userId: "dev", role: "user", scopes: ["apps:deploy"] };
    assert.equal(await mayJoin(ROOMS.logs(APP), registryOnly, l), false);
    assert.equal(await mayJoin(ROOMS.app(APP), registryOnly, l), false);
    assert.equal(await mayJoin(ROOMS.logs(APP), deployer, l), true);
    assert.equal(await mayJoin(ROOMS.metrics(APP), deployer, l), true);
    // team.read needs the admin scope (PERMISSION_SCOPE).
    assert.equal(await mayJoin(ROOMS.team(TEAM), deployer, l), false);
    assert.equal(await mayJoin(ROOMS.team(TEAM), { ...deployer, scopes: ["admin"] }, l), true);
  });

  it("refuses rooms it does not know", async () => {
    const l = lookups({ [`${APP}/u1`]: "owner" });
    assert.equal(await mayJoin("team:other", session("u1", "admin"), l), false);
    assert.equal(await mayJoin("app:not-a-uuid", session("u1", "admin"), l), false);
    assert.equal(await mayJoin(`terminal:${APP}`, session("u1", "admin"), l), false);
    assert.equal(await mayJoin(`${ROOMS.app(APP)} `, session("u1"), l), false);
    assert.equal(await mayJoin("", session("u1", "admin"), l), false);
    assert.equal(roomRule(`logs:${APP.toUpperCase()}`), null);
  });
});
