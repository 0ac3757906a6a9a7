import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRepositoryName, parseScopes } from "./parse-scope.ts";

describe("parseScopes", () => {
  it("reads repeated and space-separated scopes", () => {
    assert.deepEqual(parseScopes(["repository:team/app:pull,push", "repository:a/b:pull registry:catalog:*"]), [
      { type: "repository", name: "team/app", actions: ["pull", "push"] },
      { type: "repository", name: "a/b", actions: ["pull"] },
      { type: "registry", name: "catalog", actions: ["*"] },
    ]);
  });

  it("drops malformed scopes: host:port names, uppercase, unknown actions, wrong types, overlong", () => {
    assert.deepEqual(
      parseScopes([
        "repository:127.0.0.1:5000/team/app:pull",
        "repository:Team/App:pull",
        "repository:team/app:own",
        "registry:catalog:pull",
        "file:x:pull",
        `repository:t/${"a".repeat(2000)}:pull`,
        "repository:team/app",
      ]),
      [],
    );
  });

  it("caps the number of scopes and the size of a parameter (a 10 KB scope grants nothing)", () => {
    assert.equal(parseScopes([Array.from({ length: 100 }, (_, i) => `repository:t/r${i}:pull`).join(" ")]).length, 32);
    assert.deepEqual(parseScopes([`repository:t/r:${"pull,".repeat(2000)}`]), []);
  });
});

describe("isRepositoryName", () => {
  it("wants a namespace and lowercase components", () => {
    assert.equal(isRepositoryName("team/app"), true);
    assert.equal(isRepositoryName("team/group/app-1.2_x"), true);
    assert.equal(isRepositoryName("app"), false);
    assert.equal(isRepositoryName("team//app"), false);
    assert.equal(isRepositoryName("team/../app"), false);
    assert.equal(isRepositoryName("team/App"), false);
  });
});
