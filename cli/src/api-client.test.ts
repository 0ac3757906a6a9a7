import assert from "node:assert/strict";
import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { describe, it } from "node:test";
import { ApiClient } from "./api-client.ts";
import { CliError, EXIT } from "./errors.ts";

type Seen = { url: string; method: string; headers: Record<string, string>; body: string | undefined };

/** A fetch that records the request and answers with a canned response. */
function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const seen: Seen[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    seen.push({ url: String(url), method: String(init.method), headers: init.headers as Record<string, string>, body: init.body as string | undefined });
    const text = body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, seen };
}

const TOKEN = `berth_pat_${"b".repeat(40)}`;
const team = { id: "t1", slug: "acme", name: "Acme", personal: false, role: "owner", createdAt: "2025-11-23T09:00:00.000Z" };

describe("ApiClient", () => {
  it("fills path parameters, sends the bearer token and a JSON body", async () => {
    const { fetch, seen } = fakeFetch(200, { ...team, name: "New" });
    const api = new ApiClient({ url: "http://b.test/base/", token: TOKEN, fetch });
    const { data } = await api.call("updateTeam", { params: { team: "a b" }, body: { name: "New" } });
    assert.equal(data.name, "New");
    assert.equal(seen[0]?.url, "http://b.test/base/api/v1/teams/a%20b");
    assert.equal(seen[0]?.method, "PATCH");
    assert.equal(seen[0]?.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(seen[0]?.headers["content-type"], "application/json");
    assert.equal(seen[0]?.body, '{"name":"New"}');
  });

  it("puts query values in the URL and leaves out undefined ones", async () => {
    const { fetch, seen } = fakeFetch(200, { events: [] });
    await new ApiClient({ url: "http://b.test", token: TOKEN, fetch }).call("teamAudit", { params: { team: "acme" }, query: { limit: 5, before: undefined } });
    assert.equal(seen[0]?.url, "http://b.test/api/v1/teams/acme/audit?limit=5");
  });

  it("returns the checked data and the raw JSON with fields the schema does not know", async () => {
    const { fetch } = fakeFetch(200, { teams: [{ ...team, future: true }] });
    const { data, raw } = await new ApiClient({ url: "http://b.test", token: TOKEN, fetch }).call("listTeams");
    assert.equal(data.teams[0]?.slug, "acme");
    assert.deepEqual(raw, { teams: [{ ...team, future: true }] });
  });

  it("accepts an empty 204", async () => {
    const { fetch } = fakeFetch(204, undefined);
    const { data } = await new ApiClient({ url: "http://b.test", token: TOKEN, fetch }).call("deleteTeam", { params: { team: "acme" } });
    assert.equal(data, undefined);
  });

  it("turns the API's error body into a CliError with its code, message and exit code", async () => {
    const { fetch } = fakeFetch(404, { error: { code: "NOT_FOUND", message: 'team "nope" not found' } });
    await assert.rejects(
      new ApiClient({ url: "http://b.test", token: TOKEN, fetch }).call("getTeam", { params: { team: "nope" } }),
      (e: unknown) => e instanceof CliError && e.code === "NOT_FOUND" && e.exitCode === EXIT.notFound && e.message === 'team "nope" not found',
    );
  });

  it("refuses a response that does not match the route's schema", async () => {
    const { fetch } = fakeFetch(200, { teams: [{ slug: 42 }] });
    await assert.rejects(
      new ApiClient({ url: "http://b.test", token: TOKEN, fetch }).call("listTeams"),
      /unexpected response to GET \/api\/v1\/teams \(teams\.0\./,
    );
  });

  it("refuses a 200 that is not JSON (not a Berth server)", async () => {
    const { fetch } = fakeFetch(200, "<html>hello</html>");
    await assert.rejects(new ApiClient({ url: "http://b.test", token: TOKEN, fetch }).call("me"), /is not JSON; is this a Berth server\?/);
  });

  it("names the URL it could not reach", async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, "close");
    const api = new ApiClient({ url: `http://127.0.0.1:${port}`, token: TOKEN });
    await assert.rejects(
      api.call("me"),
      (e: unknown) =>
        e instanceof CliError &&
        e.exitCode === EXIT.failure &&
        e.message === `could not reach http://127.0.0.1:${port}: connection refused (is Berth running there?)`,
    );
  });

  it("gives up after its timeout", async () => {
    const hang = ((_url: URL, init: RequestInit) =>
      new Promise((_, reject) => {
        // The timeout's own timer does not keep the process alive; a real socket would.
        const alive = setInterval(() => {}, 1000);
        init.signal?.addEventListener("abort", () => {
          clearInterval(alive);
          reject(init.signal?.reason);
        });
      })) as unknown as typeof fetch;
    await assert.rejects(
      new ApiClient({ url: "http://b.test", token: TOKEN, fetch: hang, timeoutMs: 50 }).call("me"),
      /could not reach http:\/\/b\.test: no answer within 0s/,
    );
  });
});
