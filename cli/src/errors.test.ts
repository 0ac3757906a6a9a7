import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { apiError } from "./api-client.ts";
import { CliError, describeFailure, EXIT, exitCodeForStatus, UsageError } from "./errors.ts";

const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers) });
const body = (code: string, message: string, issues?: { path: string; message: string }[]) => ({ error: { code, message, ...(issues ? { issues } : {}) } });

describe("exit codes", () => {
  it("maps 401, 403 and 404 to 3, 4 and 5, and every other failure to 1", () => {
    assert.equal(exitCodeForStatus(401), EXIT.unauthenticated);
    assert.equal(exitCodeForStatus(403), EXIT.forbidden);
    assert.equal(exitCodeForStatus(404), EXIT.notFound);
    for (const s of [400, 409, 413, 429, 500, 502, 503]) assert.equal(exitCodeForStatus(s), EXIT.failure, `HTTP ${s}`);
    assert.deepEqual([EXIT.ok, EXIT.failure, EXIT.usage, EXIT.unauthenticated, EXIT.forbidden, EXIT.notFound], [0, 1, 2, 3, 4, 5]);
  });

  it("gives usage errors exit 2", () => {
    assert.equal(describeFailure(new UsageError("missing <team>")).exitCode, 2);
  });

  it("reports an unexpected exception in one line with exit 1", () => {
    const f = describeFailure(new TypeError("x is undefined"));
    assert.equal(f.exitCode, 1);
    assert.equal(f.message, "unexpected failure: x is undefined");
    assert.ok(!f.message.includes("\n"));
  });
});

describe("apiError", () => {
  it("carries the API's code and message and the exit code of the status", () => {
    const cases = [
      [401, "UNAUTHENTICATED", 3],
      [403, "FORBIDDEN", 4],
      [404, "NOT_FOUND", 5],
      [409, "CONFLICT", 1],
    ] as const;
    for (const [status, code, exit] of cases) {
      const err = apiError(res(status), body(code, `it is ${code}`), "GET /api/v1/x", "http://b");
      assert.ok(err instanceof CliError);
      assert.equal(err.code, code);
      assert.equal(err.message, `it is ${code}`);
      assert.equal(err.exitCode, exit);
    }
  });

  it("adds validation issues the message leaves out, and not those it names", () => {
    const issues = [{ path: "slug", message: "this name is reserved" }];
    assert.equal(apiError(res(400), body("BAD_REQUEST", "invalid body", issues), "w", "b").message, "invalid body: slug: this name is reserved");
    assert.equal(
      apiError(res(400), body("BAD_REQUEST", "invalid body: slug: this name is reserved", issues), "w", "b").message,
      "invalid body: slug: this name is reserved",
    );
  });

  it("says when to retry after a 429", () => {
    const err = apiError(res(429, { "retry-after": "42" }), body("RATE_LIMITED", "slow down"), "w", "b");
    assert.equal(err.message, "slow down (retry in 42s)");
    assert.equal(err.exitCode, 1);
  });

  it("does not mistake a proxy's or a stranger's 404 page for a missing team", () => {
    const err = apiError(res(404), undefined, "GET /api/v1/teams/acme", "http://example.test");
    assert.equal(err.exitCode, EXIT.failure);
    assert.match(err.message, /http:\/\/example\.test answered GET \/api\/v1\/teams\/acme with HTTP 404, not a Berth API error/);
  });

  it("blames a restart, not the URL, for a proxy's 502", () => {
    const err = apiError(res(502), undefined, "GET /api/v1/me", "http://localhost:8080");
    assert.equal(err.exitCode, EXIT.failure);
    assert.equal(err.message, "http://localhost:8080 answered GET /api/v1/me with HTTP 502: Berth is down or restarting there; try again shortly");
  });
});
