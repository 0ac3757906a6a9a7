import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signIn, stack } from "./config.ts";

describe("signing in and the hosts API", () => {
  it("refuses the hosts list to an anonymous caller with a JSON 401", async () => {
    const res = await fetch(`${stack.webUrl}/api/v1/hosts`);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "UNAUTHENTICATED");
    assert.match(body.error.message, /sign in, or send an access token/);
  });

  it("refuses a wrong password without setting a session cookie", async () => {
    const res = await fetch(`${stack.webUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.webUrl },
      body: JSON.stringify({ email: stack.adminEmail, password: "wrong-password-123" }),
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.getSetCookie().filter((c) => c.startsWith("berth.session_token=") && !c.startsWith("berth.session_token=;")).length, 0);
  });

  it("lets the admin from setup sign in with an httpOnly SameSite cookie and list hosts", async () => {
    const res = await fetch(`${stack.webUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.webUrl },
      body: JSON.stringify({ email: stack.adminEmail, password: stack.adminPassword }),
    });
    assert.equal(res.status, 200);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("berth.session_token="));
    assert.ok(session, "a session cookie is set");
    assert.match(session, /HttpOnly/i);
    assert.match(session, /SameSite=Lax/i);

    const cookie = await signIn(stack.adminEmail, stack.adminPassword);
    const hosts = await fetch(`${stack.webUrl}/api/v1/hosts`, { headers: { cookie } });
    assert.equal(hosts.status, 200);
    const body = (await hosts.json()) as { hosts: { id: string; online: boolean; cpus: number; memoryBytes: number }[] };
    const online = body.hosts.filter((h) => h.online);
    assert.ok(online.length >= 1);
    assert.ok((online[0]?.cpus ?? 0) >= 1);
    assert.ok((online[0]?.memoryBytes ?? 0) > 0);
  });

  it("redirects a page request without a session to sign-in, keeping the wanted path", async () => {
    const res = await fetch(`${stack.proxyUrl}/hosts`, { redirect: "manual" });
    assert.equal(res.status, 307);
    assert.equal(
      new URL(res.headers.get("location") ?? "", stack.proxyUrl).pathname + new URL(res.headers.get("location") ?? "", stack.proxyUrl).search,
      "/sign-in?next=%2Fhosts",
    );
  });
});
