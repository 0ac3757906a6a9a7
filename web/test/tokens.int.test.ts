// Personal access tokens: shown once, hashed, scoped, expiring, revocable, rate-limited.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import { call, fakeIp, signUp, type TestUser, teamWith } from "./api.ts";
import { sql } from "./sql.ts";

let user: TestUser;
let team: string;

const newToken = async (scopes: string[], expiresInDays: number | null = 30) => {
  const res = await call("createToken", { cookie: user.cookie, body: { name: `t-${scopes.join("+")}`, scopes, expiresInDays } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { token: { id: string; prefix: string }; secret: string };
};

before(async () => {
  user = await signUp();
  team = await teamWith(user);
});

describe("access tokens", () => {
  it("shows the secret once, stores only its SHA-256, and lists it without the secret", async () => {
    const { token, secret } = await newToken(["admin"]);
    assert.match(secret, /^berth_pat_[A-Za-z0-9]{40}$/);
    assert.ok(secret.startsWith(token.prefix));
    const [row] = await sql<{ tokenHash: string }>(`SELECT "tokenHash" FROM access_token WHERE id = $1`, [token.id]);
    assert.equal(row?.tokenHash, createHash("sha256").update(secret).digest("hex"));
    const listed = await call("listTokens", { cookie: user.cookie });
    assert.ok(!JSON.stringify(listed.body).includes(secret), "the list never contains the secret");
    assert.ok(listed.body.tokens.some((t: { id: string }) => t.id === token.id));
  });

  it("works as a Bearer token and records when it was last used", async () => {
    const { token, secret } = await newToken(["admin"]);
    const me = await call("me", { token: secret });
    assert.equal(me.status, 200);
    assert.equal(me.body.via, "token");
    assert.deepEqual(me.body.scopes, ["admin"]);
    const listed = await call("listTokens", { cookie: user.cookie });
    const t = listed.body.tokens.find((x: { id: string }) => x.id === token.id);
    assert.ok(t.lastUsedAt, "last used is set");
  });

  it("is refused once revoked, and when expired", async () => {
    const a = await newToken(["admin"]);
    assert.equal((await call("revokeToken", { cookie: user.cookie, params: { id: a.token.id } })).status, 204);
    const revoked = await call("me", { token: a.secret });
    assert.equal(revoked.status, 401);
    assert.match(revoked.body.error.message, /revoked/);

    const b = await newToken(["admin"]);
    await sql(`UPDATE access_token SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [b.token.id]);
    const expired = await call("me", { token: b.secret });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);
  });

  it("refuses a malformed token and a malformed Authorization header with a clear 401", async () => {
    const bad = await call("me", { token: "not-a-token" });
    assert.equal(bad.status, 401);
    assert.match(bad.body.error.message, /malformed access token/);
    const basic = await call("me", { headers: { authorization: "Token abc" } });
    assert.equal(basic.status, 401);
    assert.match(basic.body.error.message, /Bearer/);
  });

  it("limits a token to its scopes and never lets it mint broader ones", async () => {
    const { secret } = await newToken(["registry:read"]);
    assert.equal((await call("me", { token: secret })).status, 200, "whoami works with any scope");
    const teams = await call("listTeams", { token: secret });
    assert.equal(teams.status, 403);
    assert.match(teams.body.error.message, /lacks the "admin" scope/);
    const members = await call("listMembers", { token: secret, params: { team } });
    assert.equal(members.status, 403);
    const before = await sql(`SELECT id FROM team WHERE slug LIKE 'scoped-%'`);
    const create = await call("createTeam", { token: secret, body: { slug: "scoped-nope", name: "x" } });
    assert.equal(create.status, 403);
    assert.deepEqual(await sql(`SELECT id FROM team WHERE slug LIKE 'scoped-%'`), before);

    const minter = await newToken(["registry:write"]);
    const wider = await call("createToken", { token: minter.secret, body: { name: "wider", scopes: ["admin"] } });
    assert.equal(wider.status, 403, "admin scope needed to manage tokens at all");
  });

  it("lets nobody revoke another user's token", async () => {
    const { token, secret } = await newToken(["admin"]);
    const other = await signUp();
    const res = await call("revokeToken", { cookie: other.cookie, params: { id: token.id } });
    assert.equal(res.status, 404);
    assert.equal((await call("me", { token: secret })).status, 200, "still valid");
  });

  it("answers 429 after too many invalid tokens from one address", async () => {
    const ip = fakeIp();
    let last = 0;
    for (let i = 0; i < 70 && last !== 429; i++) last = (await call("me", { ip, token: `berth_pat_${"A".repeat(40)}` })).status;
    assert.equal(last, 429);
    const res = await call("me", { ip, token: `berth_pat_${"A".repeat(40)}` });
    assert.ok(Number(res.headers.get("retry-after")) > 0, "Retry-After is set");
  });
});
