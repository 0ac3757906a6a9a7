import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAppError } from "@berth/core";
import { berthRegistryAliases, requireImageRef } from "@berth/core/image-ref";
import type { Db } from "@berth/db";
import { assertTeamMayPull, deployableImage } from "./deployable-image.ts";

const registry = berthRegistryAliases(5000);
const team = { slug: "acme" };
const deployable = (input: string) => deployableImage(requireImageRef(input), team, registry);
const refusal = (input: string): string => {
  try {
    deployable(input);
  } catch (e) {
    assert.ok(isAppError(e) && e.code === "BAD_REQUEST", String(e));
    return e.message;
  }
  assert.fail(`${input} should be refused`);
};
const DIGEST = `sha256:${"c".repeat(64)}`;

describe("deployableImage", () => {
  it("stores the team's own images, base images and other namespaces in Berth's registry, under its stored name", () => {
    assert.deepEqual(deployable("127.0.0.1:5000/acme/web"), {
      ref: "127.0.0.1:5000/acme/web:latest",
      namespace: "acme",
      repository: "web",
      othersRepository: false,
    });
    assert.deepEqual(deployable("localhost:5000/acme/group/web:1.2"), {
      ref: "127.0.0.1:5000/acme/group/web:1.2",
      namespace: "acme",
      repository: "group/web",
      othersRepository: false,
    });
    assert.deepEqual(deployable(`127.0.0.1:5000/berth/node@${DIGEST}`), {
      ref: `127.0.0.1:5000/berth/node@${DIGEST}`,
      namespace: "berth",
      repository: "node",
      othersRepository: false,
    });
    assert.deepEqual(deployable("localhost:5000/other/tool:2"), {
      ref: "127.0.0.1:5000/other/tool:2",
      namespace: "other",
      repository: "tool",
      othersRepository: true,
    });
  });

  it("takes an image in another registry as it is, normalised like the docker CLI, to be checked there and copied at deploy", () => {
    assert.deepEqual(deployable("ghcr.io/org/app:1"), {
      ref: "ghcr.io/org/app:1",
      namespace: "",
      repository: "",
      othersRepository: false,
      outside: { domain: "ghcr.io", path: "org/app", tag: "1" },
    });
    assert.equal(deployable("docker.io/postgres:16").ref, "docker.io/library/postgres:16");
    assert.equal(deployable("index.docker.io/library/postgres").ref, "docker.io/library/postgres:latest");
    assert.equal(deployable(`registry.example.com:5000/x/y@${DIGEST}`).ref, `registry.example.com:5000/x/y@${DIGEST}`);
    // Berth's registry host at another port is another registry.
    assert.equal(deployable("127.0.0.1:6000/acme/web:1").outside?.domain, "127.0.0.1:6000");
  });

  it("reads a reference naming no registry as the docker CLI does: on Docker Hub, checked there like any other registry", () => {
    assert.deepEqual(deployable("postgres:16"), {
      ref: "docker.io/library/postgres:16",
      namespace: "",
      repository: "",
      othersRepository: false,
      outside: { domain: "docker.io", path: "library/postgres", tag: "16" },
    });
    // A team's name is no registry: acme/web is Docker Hub's acme/web, not the team's repository.
    assert.deepEqual(deployable("acme/web:1").outside, { domain: "docker.io", path: "acme/web", tag: "1" });
    assert.equal(deployable("berth/busybox").ref, "docker.io/berth/busybox:latest");
    assert.equal(deployable(`nginx@${DIGEST}`).ref, `docker.io/library/nginx@${DIGEST}`);
  });

  it("refuses an image of Berth's registry without a namespace, naming the full reference to use", () => {
    assert.match(
      refusal("127.0.0.1:5000/web"),
      /"127\.0\.0\.1:5000\/web" names no namespace: images in Berth's registry are 127\.0\.0\.1:5000\/<team>\/<repository>\[:tag\], e\.g\. 127\.0\.0\.1:5000\/acme\/web:latest$/,
    );
    assert.match(refusal("localhost:5000/nginx:1"), /names no namespace: .* e\.g\. 127\.0\.0\.1:5000\/acme\/nginx:1$/);
    assert.match(refusal(`127.0.0.1:5000/web@${DIGEST}`), new RegExp(`e\\.g\\. 127\\.0\\.0\\.1:5000/acme/web@${DIGEST}$`));
  });
});

describe("assertTeamMayPull", () => {
  /** A database that knows one repository, other/pub, public, and other/priv, private. */
  const db = {
    imageRepository: {
      findFirst: async ({ where }: { where: { name: string; team: { slug: string } } }) =>
        where.team.slug === "other" && where.name === "pub"
          ? { public: true }
          : where.team.slug === "other" && where.name === "priv"
            ? { public: false }
            : null,
    },
  } as unknown as Db;
  const forbidden = (e: unknown) => isAppError(e) && e.code === "FORBIDDEN";

  it("lets the team use its own and base images without asking, and another team's only when public", async () => {
    await assertTeamMayPull(db, team, deployable("127.0.0.1:5000/acme/web:1"));
    await assertTeamMayPull(db, team, deployable("127.0.0.1:5000/berth/busybox"));
    await assertTeamMayPull(db, team, deployable("127.0.0.1:5000/other/pub:1"));
    await assert.rejects(assertTeamMayPull(db, team, deployable("127.0.0.1:5000/other/priv:1")), forbidden);
    // The same rules under every name of Berth's registry.
    await assertTeamMayPull(db, team, deployable("localhost:5000/other/pub:1"));
    await assert.rejects(assertTeamMayPull(db, team, deployable("localhost:5000/other/priv:1")), forbidden);
    await assert.rejects(
      assertTeamMayPull(db, team, deployable("127.0.0.1:5000/other/absent:1")),
      (e) => forbidden(e) && /may not pull 127\.0\.0\.1:5000\/other\/absent:1/.test(String(e)),
    );
  });
});
