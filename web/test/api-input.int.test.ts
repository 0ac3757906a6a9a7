// Bad input from users: each gets a clear 4xx with a code, and nothing changes.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import pg from "pg";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { fakeIp, stack } from "./config.ts";

let owner: TestUser;
let team: string;

/** Teams the test user belongs to: every request here is theirs, so any team they made counts. */
async function countTeams(): Promise<number> {
  const c = new pg.Client({ connectionString: stack.databaseUrl });
  await c.connect();
  try {
    return Number((await c.query('SELECT count(*) FROM membership WHERE "userId" = $1', [owner.id])).rows[0].count);
  } finally {
    await c.end();
  }
}

/** Runs a request that must be refused and checks that the number of teams did not move. */
async function refusedWithoutChange(status: number, code: string, req: () => ReturnType<typeof call>) {
  const before = await countTeams();
  const res = await req();
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
  assert.ok(res.body.error.message.length > 5, "a readable message");
  assert.equal(await countTeams(), before, "nothing was created");
  return res;
}

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
});

describe("request bodies", () => {
  it("refuses malformed JSON", async () => {
    const res = await refusedWithoutChange(400, "BAD_REQUEST", () => call("createTeam", { cookie: owner.cookie, rawBody: '{"slug": "x", ' }));
    assert.match(res.body.error.message, /not valid JSON/);
  });

  it("refuses a body larger than 64 KiB, declared or chunked", async () => {
    const big = JSON.stringify({ slug: `b-${rand()}`, name: "x".repeat(70_000) });
    await refusedWithoutChange(413, "PAYLOAD_TOO_LARGE", () => call("createTeam", { cookie: owner.cookie, rawBody: big }));
  });

  it("refuses a body that is not JSON", async () => {
    await refusedWithoutChange(400, "BAD_REQUEST", () =>
      call("createTeam", { cookie: owner.cookie, rawBody: "slug=x", headers: { "content-type": "application/x-www-form-urlencoded" } }),
    );
  });

  it("names unknown fields", async () => {
    const res = await refusedWithoutChange(400, "BAD_REQUEST", () =>
      call("createTeam", { cookie: owner.cookie, body: { slug: `u-${rand()}`, name: "ok", isAdmin: true } }),
    );
    assert.match(res.body.error.message, /unknown field\(s\): isAdmin/);
    assert.ok(Array.isArray(res.body.error.issues));
  });

  it("refuses team names that are not lowercase slugs: SQL, HTML, uppercase, path, overlong, reserved", async () => {
    for (const slug of ["x'; DROP TABLE team; --", "<script>", "Upper", "../etc", "a".repeat(40), "-lead", "double--dash", "berth", "admin"]) {
      await refusedWithoutChange(400, "BAD_REQUEST", () => call("createTeam", { cookie: owner.cookie, body: { slug, name: "n" } }));
    }
  });

  it("stores HTML in a display name as text and returns it unchanged", async () => {
    const name = `<img src=x onerror=alert(1)> '; DROP TABLE team; --`;
    const res = await call("updateTeam", { cookie: owner.cookie, params: { team }, body: { name } });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, name);
    const again = await call("getTeam", { cookie: owner.cookie, params: { team } });
    assert.equal(again.body.name, name);
  });

  it("refuses a duplicate team name with 409", async () => {
    await refusedWithoutChange(409, "CONFLICT", () => call("createTeam", { cookie: owner.cookie, body: { slug: team, name: "again" } }));
    await refusedWithoutChange(409, "CONFLICT", () => call("createTeam", { cookie: owner.cookie, body: { slug: owner.username, name: "my username" } }));
  });

  it("refuses an invalid role and an invalid email in an invitation", async () => {
    for (const body of [{ role: "superuser" }, { role: "viewer", email: "not-an-email" }, { role: "viewer", expiresInDays: 999 }]) {
      const res = await call("createInvitation", { cookie: owner.cookie, params: { team }, body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });

  it("refuses a query parameter out of range", async () => {
    const res = await call("teamAudit", { cookie: owner.cookie, params: { team }, query: { limit: "100000" } });
    assert.equal(res.status, 400);
  });
});

describe("sign-up input", () => {
  it("refuses a username that is reserved, taken or malformed, and a short password", async () => {
    const post = (body: object) =>
      fetch(`${stack.webUrl}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: stack.webUrl, "x-forwarded-for": fakeIp() },
        body: JSON.stringify({ name: "n", email: `${rand()}@example.test`, password: "long-enough-password", ...body }),
      });
    for (const [body, status] of [
      [{ username: "berth" }, 400],
      [{ username: owner.username }, 409],
      [{ username: "Bad Name" }, 400],
      [{ username: `ok-name-${rand()}`, password: "short" }, 400],
    ] as const) {
      const res = await post(body);
      assert.equal(res.status, status, `${JSON.stringify(body)} -> ${res.status} ${await res.clone().text()}`);
      assert.ok(((await res.json()) as { message?: string }).message, "a message");
    }
  });
});
