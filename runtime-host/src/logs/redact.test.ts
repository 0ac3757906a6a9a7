import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { REDACTED } from "@berth/core/logs";
import { createRedactor, secretValues } from "./redact.ts";

describe("redaction", () => {
  it("takes the values of the named variables only", () => {
    const env = ["DATABASE_URL=postgres://u:hunter22@db/x", "GREETING=hello", "API_KEY=abc=def", "PATH=/bin"];
    assert.deepEqual(secretValues(env, "DATABASE_URL,API_KEY"), ["postgres://u:hunter22@db/x", "abc=def"]);
    assert.deepEqual(secretValues(env, undefined), []);
    assert.deepEqual(secretValues(null, "X"), []);
  });

  it("replaces every occurrence, longest secret first, and leaves other text alone", () => {
    const r = createRedactor(["hunter22", "hunter22-and-more", "s3cr.t+"]);
    assert.equal(r.redact("pw=hunter22 again hunter22"), `pw=${REDACTED} again ${REDACTED}`);
    assert.equal(r.redact("x hunter22-and-more y"), `x ${REDACTED} y`);
    assert.equal(r.redact("regex chars s3cr.t+ and s3crXt"), `regex chars ${REDACTED} and s3crXt`);
    assert.equal(r.redact("nothing secret"), "nothing secret");
  });

  it("does not replace values shorter than the minimum", () => {
    const r = createRedactor(["on", "abc"]);
    assert.equal(r.redact("on abc"), "on abc");
  });

  it("hides a secret's beginning left at the end of a cut line", () => {
    const r = createRedactor(["supersecretvalue"]);
    assert.equal(r.redactCutEnd("token: supersec"), `token: ${REDACTED}`);
    assert.equal(r.redactCutEnd("token: sup"), "token: sup", "too short a prefix to tell");
    assert.equal(r.redactCutEnd("ends plainly"), "ends plainly");
  });
});
