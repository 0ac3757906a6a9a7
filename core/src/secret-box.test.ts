import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { open, seal } from "./secret-box.ts";

const k = randomBytes(32).toString("base64");

describe("secret box", () => {
  it("round-trips and never contains the plaintext", () => {
    const sealed = seal(k, "s3cret-value");
    assert.ok(!sealed.includes("s3cret"));
    assert.equal(open(k, sealed), "s3cret-value");
    assert.notEqual(seal(k, "same"), seal(k, "same"), "a fresh IV every time");
  });

  it("refuses a tampered ciphertext and a wrong key", () => {
    const sealed = seal(k, "value");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("other").toString("base64url");
    assert.throws(() => open(k, parts.join(".")));
    assert.throws(() => open(randomBytes(32).toString("base64"), sealed));
    assert.throws(() => seal("short", "x"), /32 bytes/);
  });
});
