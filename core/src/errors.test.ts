import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError, ERROR_CODES, isAppError } from "./errors.ts";

describe("AppError", () => {
  it("maps each code to its HTTP status", () => {
    assert.equal(new AppError("NOT_FOUND", "x").status, 404);
    assert.equal(new AppError("RATE_LIMITED", "x").status, 429);
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      assert.equal(new AppError(code as keyof typeof ERROR_CODES, "x").status, status);
    }
  });

  it("is recognised as an AppError and plain errors are not", () => {
    assert.equal(isAppError(new AppError("FORBIDDEN", "no")), true);
    assert.equal(isAppError(new Error("no")), false);
    assert.equal(isAppError({ code: "FORBIDDEN" }), false);
  });

  it("crosses a queue in its wire form with its code and message", () => {
    const back = AppError.fromWire(new AppError("NOT_FOUND", "no container named x: on this host").toWire(), { hostId: "h1" });
    assert.deepEqual([back?.code, back?.message, back?.details], ["NOT_FOUND", "no container named x: on this host", { hostId: "h1" }]);
  });

  it("reads no AppError out of other failure texts", () => {
    assert.equal(AppError.fromWire("NOT_FOUND: looks like a code"), null);
    assert.equal(AppError.fromWire('berth-error:{"code":"NOPE","message":"x"}'), null);
    assert.equal(AppError.fromWire("berth-error:{not json"), null);
  });
});
