import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foreignOrigin, hostAllowed, refuseCrossSite, sitePolicy } from "./cross-site.ts";

const site = sitePolicy(["https://berth.example.com/", "http://localhost:8080", "http://127.0.0.1:3000"]);
const h = (o: Record<string, string>) => new Headers(o);
const refused = (method: string, headers: Record<string, string>) => {
  try {
    refuseCrossSite(site, { method, headers: h(headers) });
    return false;
  } catch {
    return true;
  }
};

describe("hostAllowed", () => {
  it("accepts the trusted origins' hosts only, port included", () => {
    assert.equal(hostAllowed(site, "berth.example.com"), true);
    assert.equal(hostAllowed(site, "LOCALHOST:8080"), true);
    assert.equal(hostAllowed(site, "127.0.0.1:3000"), true);
    assert.equal(hostAllowed(site, "127.0.0.1:3001"), false);
    assert.equal(hostAllowed(site, "evil.example"), false);
    assert.equal(hostAllowed(site, undefined), false);
  });
});

describe("refuseCrossSite", () => {
  const cookie = { cookie: "berth.session_token=x" };
  it("refuses a cookie mutation from a foreign or opaque origin, or a foreign referer", () => {
    assert.equal(refused("POST", { ...cookie, origin: "http://evil.example" }), true);
    assert.equal(refused("DELETE", { ...cookie, origin: "null" }), true);
    assert.equal(refused("PATCH", { ...cookie, referer: "http://evil.example/x" }), true);
    assert.equal(refused("POST", { ...cookie, "sec-fetch-site": "cross-site" }), true);
    assert.equal(refused("POST", { ...cookie, "sec-fetch-site": "same-site" }), true);
  });
  it("lets through Berth's own pages, reads, tokens, cookie-less requests and non-browser clients", () => {
    assert.equal(refused("POST", { ...cookie, origin: "https://berth.example.com" }), false);
    assert.equal(refused("POST", { ...cookie, referer: "http://localhost:8080/apps" }), false);
    assert.equal(refused("GET", { ...cookie, origin: "http://evil.example" }), false);
    assert.equal(refused("POST", { ...cookie, authorization: "Bearer t", origin: "http://evil.example" }), false);
    assert.equal(refused("POST", { origin: "http://evil.example" }), false);
    assert.equal(refused("POST", cookie), false);
  });
});

describe("foreignOrigin", () => {
  it("names a foreign origin and ignores a missing one", () => {
    assert.equal(foreignOrigin(site, h({ origin: "http://evil.example" })), "http://evil.example");
    assert.equal(foreignOrigin(site, h({ origin: "http://localhost:8080" })), null);
    assert.equal(foreignOrigin(site, h({})), null);
  });
});
