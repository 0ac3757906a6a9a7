import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAppRef } from "./app-ref.ts";
import { parseEnvWords } from "./app-settings.ts";
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

describe("parseEnvWords", () => {
  it("reads set and unset groups in any order", () => {
    assert.deepEqual(parseEnvWords([]), { set: {}, unset: [] });
    assert.deepEqual(parseEnvWords(["set", "A=1", "B=x=y", "unset", "C", "set", "D="]), { set: { A: "1", B: "x=y", D: "" }, unset: ["C"] });
  });

  it("refuses words before set/unset, values without a key and empty groups", () => {
    assert.throws(() => parseEnvWords(["A=1"]), /expected "set" or "unset"/);
    assert.throws(() => parseEnvWords(["set", "=1"]), /not KEY=VALUE/);
    assert.throws(() => parseEnvWords(["set", "A"]), /not KEY=VALUE/);
    assert.throws(() => parseEnvWords(["unset"]), /needs at least one/);
  });
});

describe("parseAppRef", () => {
  it("splits team/app and refuses anything else", () => {
    assert.deepEqual(parseAppRef("acme/web"), { team: "acme", app: "web" });
    for (const bad of ["acme", "acme/", "/web", "a/b/c"]) assert.throws(() => parseAppRef(bad), /is not <team>\/<app>/);
  });
});
