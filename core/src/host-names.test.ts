import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { LEGACY_TEAM_NETWORK_PREFIX, legacyVolumeName, teamNetworkName, volumeName } from "./apps.ts";

describe("names of volumes and team networks", () => {
  it("gives look-alike teams' apps different volumes (the slug-made names were the same)", () => {
    const [appA, appB] = [randomUUID(), randomUUID()];
    assert.equal(legacyVolumeName("a-b", "c", "data"), legacyVolumeName("a", "b-c", "data"), "the old naming collided");
    assert.notEqual(volumeName(appA, "data"), volumeName(appB, "data"));
    assert.equal(volumeName(appA, "data"), `berth_vol_${appA}_data`);
  });

  it("never makes the same name from two (app, volume) pairs: the id holds no `_`", () => {
    const id = randomUUID();
    // `x_y` of one app cannot be volume `y` of an app whose id ends in `_x`: ids cannot.
    assert.throws(() => volumeName(`${id}_x`, "y"), /not an id/);
    assert.throws(() => volumeName("", "data"), /not an id/);
    assert.throws(() => teamNetworkName("Team A"), /not an id/);
  });

  it("keeps new names out of what an older Berth could have named from slugs", () => {
    const id = randomUUID();
    for (const name of [volumeName(id, "data"), teamNetworkName(id)]) {
      assert.ok(name.startsWith("berth_"), name);
      assert.ok(!name.startsWith("berth-"), name);
      assert.ok(!name.startsWith(LEGACY_TEAM_NETWORK_PREFIX), name);
      // Docker's rule for volume and network names.
      assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
    }
    // A slug could equal a team id: the old network name of such a team is still not the new one.
    assert.notEqual(`${LEGACY_TEAM_NETWORK_PREFIX}${id}`, teamNetworkName(id));
  });
});
