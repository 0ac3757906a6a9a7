import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAppError } from "./errors.ts";
import {
  berthRegistryAliases,
  berthRepositoryOf,
  formatImageRef,
  type ImageRef,
  isSameRegistry,
  normalizeImageRef,
  parseImageRef,
  pinImageRef,
  qualifyImageRef,
  repositoryIn,
  requireImageRef,
} from "./image-ref.ts";

const DIGEST = `sha256:${"a".repeat(64)}`;
const berth = berthRegistryAliases(5000);

const parsed = (input: string): ImageRef => {
  const p = parseImageRef(input);
  assert.ok(p.ok, `${input}: ${p.ok ? "" : p.error}`);
  return p.ref;
};
const refused = (input: string): string => {
  const p = parseImageRef(input);
  assert.ok(!p.ok, `${input} should be refused`);
  return p.error;
};
/** What `docker pull <input>` would pull. */
const docker = (input: string) => formatImageRef(normalizeImageRef(parsed(input)));
/** What Berth stores for `<input>`. */
const stored = (input: string) => formatImageRef(qualifyImageRef(parsed(input), berth));

describe("parseImageRef", () => {
  it("splits registry, path, tag and digest, keeping the registry as written", () => {
    assert.deepEqual(parsed("postgres"), { path: "postgres" });
    assert.deepEqual(parsed("acme/web:1.2"), { path: "acme/web", tag: "1.2" });
    assert.deepEqual(parsed("a/b/c:tag"), { path: "a/b/c", tag: "tag" });
    assert.deepEqual(parsed("ghcr.io/org/app:1"), { domain: "ghcr.io", path: "org/app", tag: "1" });
    assert.deepEqual(parsed(`registry.example.com:443/x/y:v1@${DIGEST}`), { domain: "registry.example.com:443", path: "x/y", tag: "v1", digest: DIGEST });
    assert.deepEqual(parsed(`acme/web@${DIGEST}`), { path: "acme/web", digest: DIGEST });
  });

  it("takes localhost, and a first component with a dot, a port or uppercase, as a registry", () => {
    assert.deepEqual(parsed("localhost:5000/x"), { domain: "localhost:5000", path: "x" });
    assert.deepEqual(parsed("localhost/x:1"), { domain: "localhost", path: "x", tag: "1" });
    assert.deepEqual(parsed("127.0.0.1:5000/acme/web"), { domain: "127.0.0.1:5000", path: "acme/web" });
    assert.deepEqual(parsed("[::1]:5000/acme/web"), { domain: "[::1]:5000", path: "acme/web" });
    // As the docker CLI reads it: "Acme" cannot be a repository path, so it is a registry.
    assert.deepEqual(parsed("Acme/web"), { domain: "Acme", path: "web" });
    // Without a slash there is no registry: "localhost:5000" is the repository localhost, tag 5000.
    assert.deepEqual(parsed("localhost:5000"), { path: "localhost", tag: "5000" });
  });

  it("accepts the separators of the grammar: one dot or underscore, two underscores, any number of dashes", () => {
    for (const ok of ["a.b/c_d", "a__b/c---d", "a1/b2.c3_d4", "x/y:_tag-1.2"]) parsed(ok);
    for (const bad of ["a..b/c", "a___b/c", "-a/b", "a/b-", "a/_b", "a//b", "a/b/", "/a/b", "a/b:", "a/b@", "a/b:-x", "a/b:.x", "a b", "a/b:1 "]) refused(bad);
  });

  it("refuses uppercase in the repository path, saying so", () => {
    assert.match(refused("acme/Web:1"), /repository name \(acme\/Web\) must be lowercase/);
    assert.match(refused("127.0.0.1:5000/Acme/web:1"), /must be lowercase/);
    assert.match(refused("docker.io/Library/postgres"), /must be lowercase/);
    parsed("acme/web:UPPER_tag");
  });

  it("checks digests as the engine does: a known algorithm and the right number of lowercase hex digits", () => {
    parsed(`acme/web@sha512:${"0".repeat(128)}`);
    assert.match(refused(`acme/web@md5:${"0".repeat(32)}`), /unsupported digest algorithm md5/);
    assert.match(refused(`acme/web@sha256:${"a".repeat(63)}`), /64 lowercase hexadecimal/);
    assert.match(refused(`acme/web@sha256:${"A".repeat(64)}`), /64 lowercase hexadecimal/);
    refused("acme/web@sha256");
  });

  it("refuses what is no reference: empty, an image id, a bad registry, a tag too long, a name too long", () => {
    assert.match(refused(""), /empty/);
    assert.match(refused("a".repeat(64)), /image id/);
    assert.match(refused("not an image!"), /not an image reference/);
    const badHost = parseImageRef("reg_istry.example.com/x/y");
    assert.deepEqual(badHost.ok ? null : badHost.domain, "reg_istry.example.com");
    refused("host:port/x/y");
    refused(`x/y:${"t".repeat(129)}`);
    parsed(`x/y:${"t".repeat(128)}`);
    assert.match(refused(`x/${"y".repeat(254)}`), /longer than 255/);
    assert.match(refused("x".repeat(10_000)), /longer than 600/);
  });

  it("names the registry of a refused reference when it could tell it apart", () => {
    const p = parseImageRef("127.0.0.1:5000/Acme/web:1");
    assert.deepEqual(p.ok ? null : p.domain, "127.0.0.1:5000");
    const q = parseImageRef("Acme web");
    assert.deepEqual(q.ok ? null : q.domain, undefined);
  });

  it("formats back what it parsed", () => {
    for (const s of ["postgres", "acme/web:1", `localhost:5000/a/b/c:t@${DIGEST}`, `ghcr.io/org/app@${DIGEST}`]) assert.equal(formatImageRef(parsed(s)), s);
  });
});

describe("requireImageRef", () => {
  it("throws a BAD_REQUEST with the parser's reason", () => {
    assert.deepEqual(requireImageRef("acme/web"), { path: "acme/web" });
    assert.throws(
      () => requireImageRef("acme/Web"),
      (e) => isAppError(e) && e.code === "BAD_REQUEST" && /lowercase/.test(e.message),
    );
  });
});

describe("normalizeImageRef (the docker CLI's reading)", () => {
  it("puts a reference naming no registry on Docker Hub, official images under library/, :latest when untagged", () => {
    assert.equal(docker("postgres:16"), "docker.io/library/postgres:16");
    assert.equal(docker("postgres"), "docker.io/library/postgres:latest");
    assert.equal(docker("acme/web"), "docker.io/acme/web:latest");
    assert.equal(docker("index.docker.io/acme/web:1"), "docker.io/acme/web:1");
    assert.equal(docker("docker.io/postgres"), "docker.io/library/postgres:latest");
    assert.equal(docker(`postgres@${DIGEST}`), `docker.io/library/postgres@${DIGEST}`);
  });

  it("leaves other registries' paths alone", () => {
    assert.equal(docker("localhost:5000/x"), "localhost:5000/x:latest");
    assert.equal(docker("ghcr.io/org/app:1"), "ghcr.io/org/app:1");
    assert.equal(docker("a.b/c"), "a.b/c:latest");
  });
});

describe("Berth's registry", () => {
  it("has two names, the stored one first", () => {
    assert.deepEqual(berth, ["127.0.0.1:5000", "localhost:5000"]);
  });

  it("stores a reference under any name of Berth's registry under 127.0.0.1:<port>", () => {
    assert.equal(stored("127.0.0.1:5000/acme/web"), "127.0.0.1:5000/acme/web:latest");
    assert.equal(stored("127.0.0.1:5000/acme/group/web:1.2"), "127.0.0.1:5000/acme/group/web:1.2");
    assert.equal(stored("localhost:5000/berth/busybox"), "127.0.0.1:5000/berth/busybox:latest");
    assert.equal(stored("LOCALHOST:5000/berth/busybox:1"), "127.0.0.1:5000/berth/busybox:1");
    assert.equal(stored(`127.0.0.1:5000/acme/web@${DIGEST}`), `127.0.0.1:5000/acme/web@${DIGEST}`);
    // No library/ here: that is Docker Hub's convention, not Berth's registry's.
    assert.equal(stored("localhost:5000/nginx:1"), "127.0.0.1:5000/nginx:1");
  });

  it("stores a reference naming no registry as the docker CLI reads it: on Docker Hub", () => {
    assert.equal(stored("postgres:16"), "docker.io/library/postgres:16");
    assert.equal(stored("acme/web:1"), "docker.io/acme/web:1");
    assert.equal(stored("acme/web"), "docker.io/acme/web:latest");
    assert.equal(stored("berth/busybox"), "docker.io/berth/busybox:latest");
    assert.equal(stored(`nginx@${DIGEST}`), `docker.io/library/nginx@${DIGEST}`);
    // The same as `docker pull` would pull, whatever Berth's registry is.
    for (const s of ["postgres:16", "acme/web:1", "a/b/c", `x/y:1@${DIGEST}`]) assert.equal(stored(s), docker(s));
  });

  it("normalises references to other registries like the docker CLI", () => {
    assert.equal(stored("registry.example.com:443/x/y"), "registry.example.com:443/x/y:latest");
    assert.equal(stored("127.0.0.1:6000/x/y:2"), "127.0.0.1:6000/x/y:2");
    assert.equal(stored("index.docker.io/postgres:16"), "docker.io/library/postgres:16");
  });

  it("tells the repository of a reference in a registry, and nothing for another registry", () => {
    assert.equal(repositoryIn(qualifyImageRef(parsed("localhost:5000/acme/web:1"), berth), berth), "acme/web");
    assert.equal(repositoryIn(qualifyImageRef(parsed("acme/web:1"), berth), berth), undefined);
    assert.equal(repositoryIn(parsed("localhost:5000/a/b/c:tag"), berth), "a/b/c");
    assert.equal(repositoryIn(parsed("127.0.0.1:6000/a/b"), berth), undefined);
    assert.equal(repositoryIn(parsed("ghcr.io/org/app:1"), berth), undefined);
    // A reference naming no registry is in none until it is qualified (then on Docker Hub).
    assert.equal(repositoryIn(parsed("acme/web"), berth), undefined);
    assert.equal(berthRepositoryOf(`127.0.0.1:5000/acme/web@${DIGEST}`, berth), "acme/web");
    assert.equal(berthRepositoryOf("localhost:5000/acme/web:1", berth), "acme/web");
    // On Docker Hub, not in Berth's registry.
    assert.equal(berthRepositoryOf("acme/web:1", berth), undefined);
    assert.equal(berthRepositoryOf("docker.io/acme/web:1", berth), undefined);
    assert.equal(berthRepositoryOf("ghcr.io/org/app:1", berth), undefined);
    assert.equal(berthRepositoryOf("not a ref", berth), undefined);
  });

  it("compares registry names without regard to case, and knows index.docker.io is docker.io", () => {
    assert.ok(isSameRegistry("LocalHost:5000", "localhost:5000"));
    assert.ok(isSameRegistry("index.docker.io", "docker.io"));
    assert.ok(!isSameRegistry("localhost:5000", "localhost:5001"));
    assert.ok(!isSameRegistry("localhost:5000", "127.0.0.1:5000"));
  });
});

describe("pinImageRef", () => {
  it("replaces the tag by the digest", () => {
    assert.equal(formatImageRef(pinImageRef(parsed("127.0.0.1:5000/acme/web:2"), DIGEST)), `127.0.0.1:5000/acme/web@${DIGEST}`);
    assert.equal(formatImageRef(pinImageRef(parsed("localhost:5000/a/b"), DIGEST)), `localhost:5000/a/b@${DIGEST}`);
    const other = `sha256:${"b".repeat(64)}`;
    assert.equal(formatImageRef(pinImageRef(parsed(`acme/web:1@${DIGEST}`), other)), `acme/web@${other}`);
  });
});
