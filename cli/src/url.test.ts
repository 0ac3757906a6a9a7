import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "./errors.ts";
import { isPlainHttpToRemote, normalizeUrl } from "./url.ts";

describe("normalizeUrl", () => {
  it("drops trailing slashes and keeps a base path", () => {
    assert.equal(normalizeUrl("http://localhost:8080/"), "http://localhost:8080");
    assert.equal(normalizeUrl("https://Berth.Example.com/paas//"), "https://berth.example.com/paas");
  });

  it("refuses what is not an http(s) URL, or carries credentials or a query", () => {
    for (const bad of ["localhost:8080", "berth.example.com", "ftp://x", "http://u:p@x", "http://x/?a=1", "http://x/#f"]) {
      assert.throws(() => normalizeUrl(bad), UsageError, bad);
    }
  });
});

describe("isPlainHttpToRemote", () => {
  it("is true only for plain HTTP to another machine", () => {
    assert.equal(isPlainHttpToRemote("http://berth.example.com"), true);
    assert.equal(isPlainHttpToRemote("http://10.0.0.5:8080"), true);
    for (const ok of ["https://berth.example.com", "http://localhost:8080", "http://app.localhost", "http://127.0.0.1:3000", "http://[::1]:3000"]) {
      assert.equal(isPlainHttpToRemote(ok), false, ok);
    }
  });
});
