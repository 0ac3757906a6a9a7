import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseImageRef } from "@berth/core/image-ref";
import { importedRepository } from "./copy-outside-image.ts";
import { hostPlatform } from "./resolve-outside-image.ts";

describe("importedRepository", () => {
  it("names the copy in the team's namespace after the upstream registry and path, as a valid repository name", () => {
    assert.equal(importedRepository("acme", "docker.io", "library/postgres"), "acme/imported/docker.io/library/postgres");
    assert.equal(importedRepository("acme", "10.231.0.200:5001", "library/busybox"), "acme/imported/10.231.0.200-5001/library/busybox");
    assert.equal(importedRepository("acme", "Registry.Example.com:5000", "x/y"), "acme/imported/registry.example.com-5000/x/y");
    for (const r of ["docker.io", "10.231.0.200:5001", "[::1]:5000", "ghcr.io"]) {
      const parsed = parseImageRef(`127.0.0.1:5000/${importedRepository("acme", r, "org/app")}:1`);
      assert.ok(parsed.ok, `${r}: ${!parsed.ok && parsed.error}`);
    }
  });
});

describe("hostPlatform", () => {
  it("is linux and Go's name for Node's architecture", () => {
    const p = hostPlatform();
    assert.equal(p.os, "linux");
    assert.ok(!["x64", "ia32"].includes(p.architecture));
  });
});
