import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { invitationToken } from "./invitations.ts";
import { tokenStatus } from "./tokens.ts";

describe("invitationToken", () => {
  it("takes the token out of an invitation link, or the argument as given", () => {
    assert.equal(invitationToken("http://localhost:8080/invite/berth_inv_abc-_1"), "berth_inv_abc-_1");
    assert.equal(invitationToken("https://b.example/invite/berth_inv_x?utm=1"), "berth_inv_x");
    assert.equal(invitationToken(" berth_inv_plain "), "berth_inv_plain");
  });
});

describe("tokenStatus", () => {
  const t = { id: "k", name: "n", prefix: "p", scopes: ["admin" as const], lastUsedAt: null, createdAt: "2025-01-01T00:00:00Z" };
  it("says revoked before expired, and active otherwise", () => {
    const now = Date.parse("2025-06-01T00:00:00Z");
    assert.equal(tokenStatus({ ...t, expiresAt: null, revokedAt: null }, now), "active");
    assert.equal(tokenStatus({ ...t, expiresAt: "2025-07-01T00:00:00Z", revokedAt: null }, now), "active");
    assert.equal(tokenStatus({ ...t, expiresAt: "2025-05-01T00:00:00Z", revokedAt: null }, now), "expired");
    assert.equal(tokenStatus({ ...t, expiresAt: "2025-05-01T00:00:00Z", revokedAt: "2025-04-01T00:00:00Z" }, now), "revoked");
  });
});
