import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAppError } from "@berth/core";
import { qualifyImageRef } from "./image-target.ts";

describe("qualifyImageRef", () => {
  it("puts a bare team/repo reference into Berth's registry, with :latest when untagged", () => {
    assert.deepEqual(qualifyImageRef("acme/web", 5000), { kind: "berth", ref: "127.0.0.1:5000/acme/web:latest", namespace: "acme", repository: "web" });
    assert.deepEqual(qualifyImageRef("acme/group/web:1.2", 5000), {
      kind: "berth",
      ref: "127.0.0.1:5000/acme/group/web:1.2",
      namespace: "acme",
      repository: "group/web",
    });
  });

  it("treats 127.0.0.1 and localhost at the registry's port as Berth's registry", () => {
    assert.equal(qualifyImageRef("localhost:5000/berth/busybox", 5000).ref, "127.0.0.1:5000/berth/busybox:latest");
    const digest = `sha256:${"a".repeat(64)}`;
    const t = qualifyImageRef(`127.0.0.1:5000/acme/web@${digest}`, 5000);
    assert.deepEqual(t, { kind: "berth", ref: `127.0.0.1:5000/acme/web@${digest}`, namespace: "acme", repository: "web" });
  });

  it("leaves other registries alone, apart from the default tag", () => {
    assert.deepEqual(qualifyImageRef("registry.example.com:443/x/y", 5000), { kind: "external", ref: "registry.example.com:443/x/y:latest" });
    assert.deepEqual(qualifyImageRef("127.0.0.1:6000/x/y:2", 5000), { kind: "external", ref: "127.0.0.1:6000/x/y:2" });
  });

  it("refuses a reference into Berth's registry without a namespace", () => {
    assert.throws(
      () => qualifyImageRef("nginx:1", 5000),
      (e) => isAppError(e) && e.code === "BAD_REQUEST",
    );
    assert.throws(
      () => qualifyImageRef("127.0.0.1:5000/web", 5000),
      (e) => isAppError(e) && e.code === "BAD_REQUEST",
    );
  });
});
