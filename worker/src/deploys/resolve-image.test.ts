import assert from "node:assert/strict";
import { test } from "node:test";
import { DeployError } from "@berth/control/deployments/deploy-error";
import { berthRegistryAliases } from "@berth/core/image-ref";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import { resolveImage } from "./resolve-image.ts";

const berth = berthRegistryAliases(5000);
const DIGEST = `sha256:${"a".repeat(64)}`;

/** A registry holding acme/web:2, berth/node:20 and berth/node:latest, all one manifest; records what was asked. */
function registry() {
  const asked: string[] = [];
  const known = new Set(["acme/web:2", "berth/node:20", "berth/node:latest", `acme/web:${DIGEST}`]);
  const client = {
    getManifest: async (repo: string, reference: string) => {
      asked.push(`${repo} ${reference}`);
      return known.has(`${repo}:${reference}`)
        ? { digest: DIGEST, mediaType: "application/vnd.oci.image.manifest.v1+json", raw: Buffer.from("{}"), json: {} }
        : null;
    },
  } as unknown as RegistryClient;
  return { client, asked };
}

test("pins a reference in Berth's registry, under any of its names, to the digest of its manifest", async () => {
  const r = registry();
  assert.deepEqual(await resolveImage(r.client, "127.0.0.1:5000/acme/web:2", berth), {
    repo: "acme/web",
    digest: DIGEST,
    imageRef: `127.0.0.1:5000/acme/web@${DIGEST}`,
  });
  assert.deepEqual(await resolveImage(r.client, "localhost:5000/berth/node:20", berth), {
    repo: "berth/node",
    digest: DIGEST,
    imageRef: `127.0.0.1:5000/berth/node@${DIGEST}`,
  });
  assert.equal((await resolveImage(r.client, "LOCALHOST:5000/berth/node", berth)).imageRef, `127.0.0.1:5000/berth/node@${DIGEST}`);
  assert.equal((await resolveImage(r.client, `127.0.0.1:5000/acme/web:1@${DIGEST}`, berth)).imageRef, `127.0.0.1:5000/acme/web@${DIGEST}`);
  assert.deepEqual(r.asked, ["acme/web 2", "berth/node 20", "berth/node latest", `acme/web ${DIGEST}`]);
});

test("fails a deployment whose image is missing, outside Berth's registry or unreadable, without asking another registry", async () => {
  const r = registry();
  await assert.rejects(
    resolveImage(r.client, "127.0.0.1:5000/acme/web:3", berth),
    (e) => e instanceof DeployError && /acme\/web:3 is not in Berth's registry \(push it/.test(e.message),
  );
  await assert.rejects(
    resolveImage(r.client, "ghcr.io/org/app:1", berth),
    (e) => e instanceof DeployError && /not in Berth's registry \(127\.0\.0\.1:5000\)/.test(e.message),
  );
  // A reference naming no registry is on Docker Hub (as for the docker CLI), even when Berth's registry has that path.
  for (const input of ["acme/web:2", "berth/node:20", "postgres:16"]) {
    await assert.rejects(
      resolveImage(r.client, input, berth),
      (e) => e instanceof DeployError && e.message === `${input} is not in Berth's registry (127.0.0.1:5000), where deployed images are looked up`,
    );
  }
  await assert.rejects(resolveImage(r.client, "127.0.0.1:5000/acme/Web:1", berth), (e) => e instanceof DeployError && /lowercase/.test(e.message));
  assert.deepEqual(r.asked, ["acme/web 3"]);
});
