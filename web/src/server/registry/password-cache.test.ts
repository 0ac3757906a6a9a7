import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recentlyVerified, rememberVerified } from "./password-cache.ts";

describe("password cache", () => {
  it("remembers exactly the verified user, stored hash and password", () => {
    rememberVerified("u1", "hash-a", "secret-1");
    assert.equal(recentlyVerified("u1", "hash-a", "secret-1"), true);
    assert.equal(recentlyVerified("u1", "hash-a", "secret-2"), false, "another password");
    assert.equal(recentlyVerified("u2", "hash-a", "secret-1"), false, "another user");
    assert.equal(recentlyVerified("u1", "hash-b", "secret-1"), false, "the password was changed since");
  });
});
