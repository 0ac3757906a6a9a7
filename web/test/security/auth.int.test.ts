// Issue 14, item 8 (the auth items), played as a hostile tenant against the real stack:
// - an open redirect through `?next=` (`/\evil.com`, `//evil.com`, `https://…`, `javascript:`…);
// - a stranger failing someone's password to lock the account (and with it the owner's tokens);
// - a username changed through better-auth's own /update-user route, around Berth's checks;
// - an invitation bound to an email taken by whoever registered that (unverified) address first;
// - GET /api/health naming hosts and engine versions to anyone.
// Each attack is refused with a clear answer and nothing changes; a positive control beside each.
// The client's address: web trusts X-Forwarded-For, which Caddy (the only way in from outside)
// always replaces with the address it saw; the tests set it as Caddy would.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { call, fakeIp, rand, signUp, type TestUser, teamWith } from "../api.ts";
import { signIn, stack } from "../config.ts";
import { sql } from "../sql.ts";

const SERVICE = stack.registryService;

function signInRaw(email: string, password: string, ip: string) {
  return fetch(`${stack.webUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.webUrl, "x-forwarded-for": ip },
    body: JSON.stringify({ email, password }),
  });
}

/** The registry's token endpoint with Basic credentials, from `ip`: what `docker login`/`push` asks. */
async function registryToken(login: string, secret: string, ip: string, scope: string) {
  const res = await fetch(`${stack.webUrl}/api/registry/token?service=${SERVICE}&scope=${encodeURIComponent(scope)}`, {
    headers: { authorization: `Basic ${Buffer.from(`${login}:${secret}`).toString("base64")}`, "x-forwarded-for": ip },
  });
  const body = (await res.json()) as { token?: string; errors?: { code: string; message: string }[] };
  const access = body.token
    ? (JSON.parse(Buffer.from(body.token.split(".")[1] ?? "", "base64url").toString()) as { access: { name: string; actions: string[] }[] }).access
    : [];
  return { status: res.status, access, message: body.errors?.[0]?.message ?? "" };
}

/** git's first request of a clone, with Basic credentials, from `ip`. */
async function gitInfoRefs(team: string, app: string, login: string, secret: string, ip: string) {
  const res = await fetch(`${stack.webUrl}/git/${team}/${app}.git/info/refs?service=git-upload-pack`, {
    headers: { authorization: `Basic ${Buffer.from(`${login}:${secret}`).toString("base64")}`, "x-forwarded-for": ip },
  });
  const text = await res.text();
  return { status: res.status, text };
}

let adminCookie: string;
before(async () => {
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
});

describe("?next= after sign-in", () => {
  const location = async (next: string, cookie: string) => {
    const res = await fetch(`${stack.proxyUrl}/sign-in?next=${encodeURIComponent(next)}`, { headers: { cookie }, redirect: "manual" });
    await res.body?.cancel();
    assert.equal(res.status, 307, `a signed-in visitor of /sign-in is sent on (next=${next})`);
    return new URL(res.headers.get("location") ?? "", stack.proxyUrl);
  };

  it("keeps a signed-in user on this instance whatever `next` names, and still follows a local path", async () => {
    const user = await signUp();
    const origin = new URL(stack.proxyUrl).origin;
    for (const next of [
      "/\\evil.com",
      "//evil.com",
      "/%5Cevil.com",
      "\\\\evil.com",
      "/\t/evil.com",
      "/.//evil.com",
      "https://evil.com/x",
      "javascript:alert(1)",
    ]) {
      const to = await location(next, user.cookie);
      assert.equal(to.origin, origin, `next=${JSON.stringify(next)} leaves the instance: ${to.href}`);
      // `/%5Cevil.com` is a path segment (an encoded backslash) on this instance; the rest fall back to /.
      if (next !== "/%5Cevil.com") assert.equal(to.pathname, "/", `next=${JSON.stringify(next)} → ${to.href}`);
    }
    const local = await location("/teams?tab=members", user.cookie);
    assert.equal(local.origin, origin);
    assert.equal(local.pathname + local.search, "/teams?tab=members", "a local path is followed (positive control)");
  });
});

describe("failed sign-ins by a stranger", () => {
  let owner: TestUser;
  let team: string;
  let token: string;
  const app = "locked";
  const strangerIp = fakeIp();
  const ownerIp = fakeIp();

  before(async () => {
    owner = await signUp();
    team = await teamWith(owner);
    assert.equal((await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: app, deploy: false } })).status, 201);
    const t = await call("createToken", { cookie: owner.cookie, body: { name: "ci", scopes: ["registry:write", "apps:deploy"], expiresInDays: 1 } });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    token = t.body.secret;
    // The stranger guesses from one address: on the web form, then through the registry and git logins.
    for (let i = 0; i < 12; i++) assert.notEqual((await signInRaw(owner.email, `guess-${i}-wrong-pw`, strangerIp)).status, 200);
    for (let i = 0; i < 12; i++)
      assert.notEqual((await registryToken(owner.username, `guess-${i}-wrong-pw`, strangerIp, `repository:${team}/x:pull`)).status, 200);
  });

  it("stops the stranger's address: even the right password is refused there, with a clear 429 (positive control)", async () => {
    const res = await signInRaw(owner.email, owner.password, strangerIp);
    assert.equal(res.status, 429);
    assert.match(((await res.json()) as { message: string }).message, /too many failed logins .*from your address/);
    const basic = await registryToken(owner.username, owner.password, strangerIp, `repository:${team}/x:pull`);
    assert.equal(basic.status, 429);
    assert.match(basic.message, /too many failed logins/);
    const git = await gitInfoRefs(team, app, owner.username, owner.password, strangerIp);
    assert.equal(git.status, 429, git.text);
  });

  it("lets the owner sign in from another address, with the password on the web and through the registry", async () => {
    assert.equal((await signInRaw(owner.email, owner.password, ownerIp)).status, 200);
    const basic = await registryToken(owner.username, owner.password, ownerIp, `repository:${team}/x:pull,push`);
    assert.equal(basic.status, 200, basic.message);
    assert.deepEqual(basic.access[0]?.actions.sort(), ["pull", "push"]);
  });

  it("never touches the owner's access token, even from the stranger's address: registry, git and Bearer", async () => {
    for (const ip of [ownerIp, strangerIp]) {
      const reg = await registryToken(owner.username, token, ip, `repository:${team}/x:pull,push`);
      assert.equal(reg.status, 200, `registry with a token from ${ip}: ${reg.message}`);
      assert.deepEqual(reg.access[0]?.actions.sort(), ["pull", "push"]);
      const git = await gitInfoRefs(team, app, owner.username, token, ip);
      assert.equal(git.status, 200, `git with a token from ${ip}: ${git.text.slice(0, 200)}`);
      assert.equal((await call("me", { token, ip })).status, 200);
    }
  });
});

describe("better-auth's /update-user", () => {
  const updateUser = (cookie: string, body: Record<string, unknown>) =>
    fetch(`${stack.webUrl}/api/auth/update-user`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.webUrl, cookie, "x-forwarded-for": fakeIp() },
      body: JSON.stringify(body),
    });

  it("refuses a new username, whether free, taken by a team or reserved, and leaves it unchanged", async () => {
    const user = await signUp();
    const other = await signUp();
    const otherTeam = await teamWith(other);
    for (const username of [`free-${rand()}`, otherTeam, other.username, "berth", "Not A Slug!"]) {
      const res = await updateUser(user.cookie, { username });
      assert.equal(res.status, 400, `username → ${username}`);
      assert.match(((await res.json()) as { message: string }).message, /a username cannot be changed/);
    }
    const [row] = await sql<{ username: string }>(`SELECT username FROM "user" WHERE id = $1`, [user.id]);
    assert.equal(row?.username, user.username);
    assert.equal((await call("me", { cookie: user.cookie })).body.user.username, user.username);
    // Positive control: the display name is the user's to change.
    const named = await updateUser(user.cookie, { name: "A New Name" });
    assert.equal(named.status, 200, await named.text());
    const [after] = await sql<{ name: string; username: string }>(`SELECT name, username FROM "user" WHERE id = $1`, [user.id]);
    assert.deepEqual(after, { name: "A New Name", username: user.username });
  });
});

describe("an invitation bound to an email", () => {
  it("is refused to an account that registered the address before the invitation, unverified; nothing changes", async () => {
    const owner = await signUp();
    const team = await teamWith(owner);
    // The squatter registered the invitee's address first (Berth sends no mail: nothing verified it) and got the link.
    const squatter = await signUp({ email: `ceo-${rand()}@example.test` });
    const inv = await call("createInvitation", { cookie: owner.cookie, params: { team }, body: { role: "admin", email: squatter.email } });
    assert.equal(inv.status, 201);
    const res = await call("acceptInvitation", { cookie: squatter.cookie, body: { token: inv.body.token } });
    assert.equal(res.status, 403);
    assert.match(res.body.error?.message ?? "", /bound to .* which this account has not verified/);
    const members = await call("listMembers", { cookie: owner.cookie, params: { team } });
    assert.deepEqual(
      members.body.members.map((m: { userId: string }) => m.userId),
      [owner.id],
    );
    const [row] = await sql<{ acceptedAt: Date | null }>(`SELECT "acceptedAt" FROM invitation WHERE id = $1`, [inv.body.invitation.id]);
    assert.equal(row?.acceptedAt, null, "the invitation is still open");
  });

  it("is accepted by the account made through its link after it was sent, which then counts as verified (positive control)", async () => {
    const owner = await signUp();
    const team = await teamWith(owner);
    const email = `invitee-${rand()}@example.test`;
    const inv = await call("createInvitation", { cookie: owner.cookie, params: { team }, body: { role: "developer", email } });
    const other = await signUp();
    assert.equal((await call("acceptInvitation", { cookie: other.cookie, body: { token: inv.body.token } })).status, 403, "another address");
    const invitee = await signUp({ email });
    const res = await call("acceptInvitation", { cookie: invitee.cookie, body: { token: inv.body.token } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [row] = await sql<{ emailVerified: boolean }>(`SELECT "emailVerified" FROM "user" WHERE id = $1`, [invitee.id]);
    assert.equal(row?.emailVerified, true);
    // A later invitation to the same address now works for that account.
    const team2 = await teamWith(owner);
    const inv2 = await call("createInvitation", { cookie: owner.cookie, params: { team: team2 }, body: { role: "viewer", email } });
    assert.equal((await call("acceptInvitation", { cookie: invitee.cookie, body: { token: inv2.body.token } })).status, 200);
  });
});

describe("GET /api/health", () => {
  it("tells an anonymous caller and a plain user only whether the stack is up", async () => {
    const user = await signUp();
    for (const headers of [{}, { cookie: user.cookie }, { authorization: "Bearer berth_pat_not-a-real-token" }] as Record<string, string>[]) {
      const res = await fetch(`${stack.webUrl}/api/health`, { headers });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.deepEqual(JSON.parse(text), { status: "ok" });
    }
    // Through Caddy, as from outside.
    assert.deepEqual(await (await fetch(`${stack.proxyUrl}/api/health`)).json(), { status: "ok" });
  });

  it("shows an instance admin the checks and the hosts (positive control)", async () => {
    const res = await fetch(`${stack.webUrl}/api/health`, { headers: { cookie: adminCookie } });
    const body = (await res.json()) as { status: string; checks?: Record<string, unknown>; hosts?: { id: string; dockerVersion: string }[] };
    assert.equal(body.status, "ok");
    assert.ok(body.checks?.postgres, "checks shown");
    assert.ok(
      (body.hosts ?? []).some((h) => /^\d+\.\d+/.test(h.dockerVersion)),
      "hosts with engine versions shown",
    );
    const tokenRes = await call("createToken", { cookie: adminCookie, body: { name: `health-${rand()}`, scopes: ["admin"], expiresInDays: 1 } });
    const viaToken = (await (await fetch(`${stack.webUrl}/api/health`, { headers: { authorization: `Bearer ${tokenRes.body.secret}` } })).json()) as {
      hosts?: unknown[];
    };
    assert.ok(Array.isArray(viaToken.hosts), "an admin token sees the hosts too");
    await call("revokeToken", { cookie: adminCookie, params: { id: tokenRes.body.token.id } });
  });
});
