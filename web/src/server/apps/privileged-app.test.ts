import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAppError } from "@berth/core";
import { isInstanceAdmin, isPrivilegedApp, requireAdminForPrivilegedApp } from "./privileged-app.ts";

const mounted = { binds: [{ source: "/var/run/docker.sock", target: "/var/run/docker.sock" }] };
const admin = { role: "admin", scopes: null };
const developer = { role: "user", scopes: null };

describe("privileged apps", () => {
  it("are the ones with any bind mount, in the app's config or a release's", () => {
    assert.equal(isPrivilegedApp({}), false);
    assert.equal(isPrivilegedApp({ replicas: 2 }, { volumes: [] }), false);
    assert.equal(isPrivilegedApp(mounted), true);
    assert.equal(isPrivilegedApp({}, mounted), true);
  });

  it("are changed by instance admins only, and by an admin's token only with the admin scope", () => {
    assert.equal(isInstanceAdmin(admin), true);
    assert.equal(isInstanceAdmin({ role: "admin", scopes: ["apps:deploy"] }), false);
    assert.equal(isInstanceAdmin({ role: "admin", scopes: ["admin"] }), true);
    assert.equal(isInstanceAdmin(developer), false);
    assert.equal(isInstanceAdmin(null), false);
    assert.doesNotThrow(() => requireAdminForPrivilegedApp(admin, { name: "ops", config: mounted }, "deploy it"));
    assert.doesNotThrow(() => requireAdminForPrivilegedApp(developer, { name: "web", config: {} }, "deploy it"));
    for (const actor of [developer, null]) {
      assert.throws(
        () => requireAdminForPrivilegedApp(actor, { name: "ops", config: {} }, "run commands in it", [mounted]),
        (e: unknown) => isAppError(e) && e.code === "FORBIDDEN" && /app ops mounts host paths or the Docker socket: only an instance admin/.test(e.message),
      );
    }
  });
});
