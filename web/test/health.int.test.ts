import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signIn, stack } from "./config.ts";

type Health = {
  status: string;
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
  hosts: { id: string; ok: boolean; dockerVersion: string; ageSeconds: number }[];
};

describe("GET /api/health", () => {
  it("reports every dependency up and a fresh heartbeat from this machine's runtime-host to an instance admin", async () => {
    const cookie = await signIn(stack.adminEmail, stack.adminPassword);
    const res = await fetch(`${stack.webUrl}/api/health`, { headers: { cookie } });
    const body = (await res.json()) as Health;
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.status, "ok");
    assert.deepEqual(Object.keys(body.checks).sort(), ["caddy", "docker", "postgres", "redis", "registry"]);
    for (const [name, check] of Object.entries(body.checks)) assert.equal(check.ok, true, `${name}: ${check.error}`);
    const fresh = body.hosts.filter((h) => h.ok);
    assert.ok(fresh.length >= 1, "at least one host heartbeat is fresh");
    assert.match(fresh[0]?.dockerVersion ?? "", /^\d+\.\d+/);
    assert.ok((fresh[0]?.ageSeconds ?? 99) < 20);
  });

  it("is reachable through Caddy on the dashboard port", async () => {
    const res = await fetch(`${stack.proxyUrl}/api/health`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as Health).status, "ok");
  });

  it("is not cached", async () => {
    const res = await fetch(`${stack.webUrl}/api/health`);
    await res.body?.cancel();
    assert.equal(res.headers.get("cache-control"), "no-store");
  });
});
