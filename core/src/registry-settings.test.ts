import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalRegistry, registryCaches, registryHostEntry } from "./registry-settings.ts";

describe("registry settings", () => {
  it("names Docker Hub one way", () => {
    assert.equal(canonicalRegistry("Index.Docker.io"), "docker.io");
    assert.equal(canonicalRegistry("registry-1.docker.io"), "docker.io");
    assert.equal(canonicalRegistry("ghcr.io"), "ghcr.io");
  });

  it("accepts host[:port] entries and refuses URLs, paths and bad ports", () => {
    assert.equal(registryHostEntry.parse(" GHCR.io "), "ghcr.io");
    assert.equal(registryHostEntry.parse("10.0.0.5:5000"), "10.0.0.5:5000");
    for (const bad of ["https://ghcr.io", "ghcr.io/org", "host:99999", "", "a b"]) assert.equal(registryHostEntry.safeParse(bad).success, false, bad);
  });

  it("accepts one cache per registry with an http(s) upstream and no login or path", () => {
    assert.deepEqual(registryCaches.parse([{ registry: "docker.io", upstream: "https://registry-1.docker.io/" }]), [
      { registry: "docker.io", upstream: "https://registry-1.docker.io" },
    ]);
    const dup = [
      { registry: "docker.io", upstream: "https://a.example" },
      { registry: "index.docker.io", upstream: "https://b.example" },
    ];
    assert.equal(registryCaches.safeParse(dup).success, false);
    for (const upstream of ["ftp://x.example", "https://u:p@x.example", "https://x.example/v2", "x.example"])
      assert.equal(registryCaches.safeParse([{ registry: "docker.io", upstream }]).success, false, upstream);
  });
});
