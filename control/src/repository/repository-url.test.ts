import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { holdsPlainCredentials, repositoryFetchUrl, storeRepositoryUrl } from "./repository-url.ts";

const key = randomBytes(32).toString("base64");

describe("repository URLs at rest", () => {
  it("keeps credentials out of repoUrl, sealed, and puts them back for the fetch", () => {
    const url = "https://bot:ghp_s3cret@git.example.com/org/app.git";
    const stored = storeRepositoryUrl(key, url);
    assert.equal(stored.repoUrl, "https://***@git.example.com/org/app.git");
    assert.ok(stored.repoCredentials && !stored.repoCredentials.includes("s3cret"));
    assert.equal(repositoryFetchUrl(key, stored), url);
    assert.equal(holdsPlainCredentials(stored), false);
  });

  it("handles a password holding @ and a URL without credentials", () => {
    const url = "https://bot:p@ss@git.example.com/x.git";
    assert.equal(repositoryFetchUrl(key, storeRepositoryUrl(key, url)), url);
    assert.deepEqual(storeRepositoryUrl(key, "https://git.example.com/x.git"), { repoUrl: "https://git.example.com/x.git", repoCredentials: null });
  });

  it("reads a row from before sealing as it is, and knows it still needs sealing", () => {
    const legacy = { repoUrl: "https://bot:tok@git.example.com/x.git", repoCredentials: null };
    assert.equal(repositoryFetchUrl(key, legacy), legacy.repoUrl);
    assert.equal(holdsPlainCredentials(legacy), true);
  });
});
