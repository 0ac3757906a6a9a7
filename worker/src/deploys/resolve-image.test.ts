import assert from "node:assert/strict";
import { test } from "node:test";
import { DeployError } from "@berth/control/deployments/deploy-error";
import { parseImageRef } from "./resolve-image.ts";

test("parses references into Berth's registry", () => {
  assert.deepEqual(parseImageRef("acme/web:2", 5000), { repo: "acme/web", reference: "2" });
  assert.deepEqual(parseImageRef("127.0.0.1:5000/berth/node:20", 5000), { repo: "berth/node", reference: "20" });
  assert.deepEqual(parseImageRef("localhost:5000/acme/web", 5000), { repo: "acme/web", reference: "latest" });
  const digest = `sha256:${"a".repeat(64)}`;
  assert.deepEqual(parseImageRef(`acme/web@${digest}`, 5000), { repo: "acme/web", reference: digest });
});

test("refuses other registries and names without a team", () => {
  assert.throws(() => parseImageRef("docker.io/library/nginx:1", 5000), DeployError);
  assert.throws(() => parseImageRef("127.0.0.1:6000/acme/web:1", 5000), /only images in Berth's registry/);
  assert.throws(() => parseImageRef("nginx:1", 5000), /name the team/);
});
