import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { safeNext } from "./safe-next.ts";

describe("safeNext", () => {
  it("keeps a path on this instance, with its query and fragment", () => {
    assert.equal(safeNext("/teams/acme/apps?tab=logs#end"), "/teams/acme/apps?tab=logs#end");
    assert.equal(safeNext("/invite/berth_inv_abc"), "/invite/berth_inv_abc");
    assert.equal(safeNext("/%5Cevil.com"), "/%5Cevil.com", "an encoded backslash stays a path segment");
    assert.equal(safeNext(["/apps", "/other"]), "/apps");
  });

  it("turns every way to another site into /", () => {
    for (const bad of [
      "//evil.com",
      "/\\evil.com",
      "\\\\evil.com",
      "/\t/evil.com",
      "/\n/evil.com",
      "/.//evil.com",
      "/a/..//evil.com",
      "https://evil.com",
      "http:/evil.com",
      "javascript:alert(1)",
      " /apps",
      "evil.com",
      "",
      undefined,
      null,
      42,
    ])
      assert.equal(safeNext(bad), "/", JSON.stringify(bad));
  });

  it("normalizes dot segments instead of passing them on", () => {
    assert.equal(safeNext("/a/../teams"), "/teams");
  });
});
