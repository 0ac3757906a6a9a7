// Sign-up policy, sign-in limits, signing out everywhere and the audit log.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { call, fakeIp, rand, signInAs, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";

let adminCookie: string;

const signInRaw = (email: string, password: string, ip: string) =>
  fetch(`${stack.webUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.webUrl, "x-forwarded-for": ip },
    body: JSON.stringify({ email, password }),
  });

before(async () => {
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
});

describe("sign-up", () => {
  it("gives every new user a personal namespace they own", async () => {
    const u = await signUp();
    const me = await call("me", { cookie: u.cookie });
    assert.equal(me.body.user.username, u.username);
    assert.deepEqual(
      me.body.teams.map((t: { slug: string; personal: boolean; role: string }) => [t.slug, t.personal, t.role]),
      [[u.username, true, "owner"]],
    );
  });

  it("can be closed by an instance admin, and reopened", async () => {
    try {
      const closed = await call("updateSettings", { cookie: adminCookie, body: { signupOpen: false } });
      assert.equal(closed.status, 200);
      const res = await fetch(`${stack.webUrl}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: stack.webUrl, "x-forwarded-for": fakeIp() },
        body: JSON.stringify({ email: `${rand()}@example.test`, password: "long-enough-password", name: "n" }),
      });
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as { message: string }).message, /sign-up is closed/);
    } finally {
      await call("updateSettings", { cookie: adminCookie, body: { signupOpen: true } });
    }
    await signUp(); // open again
  });
});

describe("sign-in limits", () => {
  it("stops an address after 10 failed attempts at one account, with a clear 429; other addresses still sign in", async () => {
    const u = await signUp();
    const ip = fakeIp();
    for (let i = 0; i < 10; i++) assert.equal((await signInRaw(u.email, "wrong-password-x", ip)).status, 401);
    const locked = await signInRaw(u.email, u.password, ip);
    assert.equal(locked.status, 429);
    assert.match(((await locked.json()) as { message: string }).message, /too many failed logins for this account from your address/);
    assert.equal((await signInRaw(u.email, u.password, fakeIp())).status, 200, "the owner elsewhere is not locked out");
  });

  it("limits attempts from one address to 30 a minute", async () => {
    const ip = fakeIp();
    let status = 0;
    for (let i = 0; i < 31; i++) status = (await signInRaw(`nobody-${rand()}@example.test`, "whatever-password", ip)).status;
    assert.equal(status, 429);
  });
});

describe("sessions", () => {
  it("signs out everywhere: every session of the user ends", async () => {
    const u = await signUp();
    const second = await signInAs(u.email, u.password);
    assert.equal((await call("me", { cookie: second })).status, 200);
    const res = await call("revokeSessions", { cookie: u.cookie });
    assert.equal(res.status, 200);
    assert.ok(res.body.revoked >= 2);
    assert.equal((await call("me", { cookie: u.cookie })).status, 401);
    assert.equal((await call("me", { cookie: second })).status, 401);
  });
});

describe("audit log", () => {
  let owner: TestUser;
  let dev: TestUser;
  let team: string;

  before(async () => {
    owner = await signUp();
    dev = await signUp();
    team = await teamWith(owner, [{ user: dev, role: "developer" }]);
    await call("updateMember", { cookie: owner.cookie, params: { team, userId: dev.id }, body: { role: "viewer" } });
  });

  it("shows team admins who did what to the team, when and from where", async () => {
    const res = await call("teamAudit", { cookie: owner.cookie, params: { team }, ip: "10.1.1.1" });
    assert.equal(res.status, 200);
    const actions = res.body.events.map((e: { action: string }) => e.action);
    for (const a of ["team.created", "invitation.created", "invitation.accepted", "member.role_changed"]) assert.ok(actions.includes(a), `${a} in ${actions}`);
    const change = res.body.events.find((e: { action: string }) => e.action === "member.role_changed");
    assert.equal(change.actor, owner.email);
    assert.equal(change.target, dev.id);
    assert.deepEqual(change.data, { from: "developer", to: "viewer" });
    assert.ok(change.ipAddress);
    assert.ok(
      res.body.events.every((e: { teamSlug: string }) => e.teamSlug === team),
      "only this team's events",
    );
  });

  it("refuses the team log to a viewer", async () => {
    assert.equal((await call("teamAudit", { cookie: dev.cookie, params: { team } })).status, 403);
  });

  it("shows the instance admin sign-ins and token events of everyone, with addresses", async () => {
    const ip = fakeIp();
    await signInAs(owner.email, owner.password, ip);
    await call("createToken", { cookie: owner.cookie, body: { name: "audited", scopes: ["registry:read"] } });
    const res = await call("adminAudit", { cookie: adminCookie, query: { limit: "200" } });
    assert.equal(res.status, 200);
    const signin = res.body.events.find(
      (e: { action: string; actor: string; ipAddress: string }) => e.action === "auth.sign_in" && e.actor === owner.email && e.ipAddress === ip,
    );
    assert.ok(signin, "the sign-in is recorded with the caller's address");
    assert.ok(res.body.events.some((e: { action: string; actor: string }) => e.action === "token.created" && e.actor === owner.email));
    assert.ok(!JSON.stringify(res.body).includes("berth_pat_"), "no token secret in the log");
  });
});

describe("membership rules", () => {
  it("keeps at least one owner and lets only owners touch the owner role", async () => {
    const owner = await signUp();
    const admin = await signUp();
    const team = await teamWith(owner, [{ user: admin, role: "admin" }]);
    const demoteSelf = await call("updateMember", { cookie: owner.cookie, params: { team, userId: owner.id }, body: { role: "admin" } });
    assert.equal(demoteSelf.status, 409);
    assert.match(demoteSelf.body.error.message, /at least one owner/);
    const promote = await call("updateMember", { cookie: admin.cookie, params: { team, userId: admin.id }, body: { role: "owner" } });
    assert.equal(promote.status, 403);
    const removeOwner = await call("removeMember", { cookie: admin.cookie, params: { team, userId: owner.id } });
    assert.equal(removeOwner.status, 403);
    const members = await call("listMembers", { cookie: owner.cookie, params: { team } });
    assert.deepEqual(members.body.members.map((m: { role: string }) => m.role).sort(), ["admin", "owner"]);
  });

  it("lets an invitation bound to an email be accepted only by that user, and only once", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const team = await teamWith(owner);
    const email = `invited-${rand()}@example.test`;
    const inv = await call("createInvitation", { cookie: owner.cookie, params: { team }, body: { role: "developer", email } });
    // The invitee signs up through the link, after the invitation (security/auth.int.test.ts: an account made before it may not take it).
    const invited = await signUp({ email });
    assert.equal((await call("acceptInvitation", { cookie: stranger.cookie, body: { token: inv.body.token } })).status, 403);
    assert.equal((await call("acceptInvitation", { cookie: invited.cookie, body: { token: inv.body.token } })).status, 200);
    assert.equal((await call("acceptInvitation", { cookie: invited.cookie, body: { token: inv.body.token } })).status, 404);
  });
});
