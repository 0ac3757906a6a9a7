import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AppLogLine } from "@berth/core";
import { hasFilters, lineMatcher } from "./log-filter.ts";

const line = (over: Partial<AppLogLine> = {}): AppLogLine => ({
  id: "1-0",
  ts: "2026-01-01T10:00:00.000Z",
  container: "0123456789ab",
  replica: "web-1",
  stream: "stdout",
  text: "GET /Health 200",
  ...over,
});

describe("lineMatcher", () => {
  it("matches text case-insensitively", () => {
    assert.equal(lineMatcher({ q: "health" })(line()), true);
    assert.equal(lineMatcher({ q: "POST" })(line()), false);
  });
  it("matches a container by docker id or by name", () => {
    assert.equal(lineMatcher({ container: "0123456789ab" })(line()), true);
    assert.equal(lineMatcher({ container: "web-1" })(line()), true);
    assert.equal(lineMatcher({ container: "web-2" })(line()), false);
  });
  it("keeps the time range inclusive at both ends", () => {
    assert.equal(lineMatcher({ since: "2026-01-01T10:00:00.000Z", until: "2026-01-01T10:00:00.000Z" })(line()), true);
    assert.equal(lineMatcher({ since: "2026-01-01T10:00:00.001Z" })(line()), false);
    assert.equal(lineMatcher({ until: "2026-01-01T09:59:59.999Z" })(line()), false);
  });
  it("filters by stream", () => {
    assert.equal(lineMatcher({ stream: "stderr" })(line()), false);
    assert.equal(lineMatcher({ stream: "stderr" })(line({ stream: "stderr" })), true);
  });
  it("says whether any filter is set", () => {
    assert.equal(hasFilters({}), false);
    assert.equal(hasFilters({ q: "x" }), true);
  });
});
