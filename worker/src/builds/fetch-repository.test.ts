import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactUrl } from "@berth/core/apps";
import { BuildFailure } from "./build-errors.ts";
import { checkRepoTarget, parseRepoSource } from "./fetch-repository.ts";

describe("fetch-repository", () => {
  it("accepts http and https URLs with a branch, tag or commit", () => {
    for (const url of ["http://127.0.0.1:9418/app.git", "https://github.com/acme/web.git"]) checkRepoTarget(url, "main");
    checkRepoTarget("https://example.com/r.git", "v1.2.3");
    checkRepoTarget("https://example.com/r.git", "feature/x");
    checkRepoTarget("https://example.com/r.git", "0123456789abcdef0123456789abcdef01234567");
  });

  it("refuses file, ssh, ext and local paths, options and control characters", () => {
    for (const url of [
      "file:///etc",
      "/srv/repo.git",
      "ssh://git@example.com/r.git",
      // git opens git:// connections itself: they cannot be held to the address the outbound policy checked.
      "git://127.0.0.1:9999/app.git",
      "git@example.com:r.git",
      "ext::sh -c touch% /tmp/pwned",
      "--upload-pack=touch /tmp/x",
      "https://example.com/r.git\n",
      "https://exa mple.com/r.git",
      `https://example.com/${"a".repeat(1000)}`,
    ])
      assert.throws(() => checkRepoTarget(url, "main"), BuildFailure, url);
  });

  it("refuses refs that are options or not ref names", () => {
    for (const ref of ["--upload-pack=x", "-b", "a..b", "refs/heads/", ".hidden", "x.lock", "a b", "a~1", "a^", "a:b", "@{1}", ""])
      assert.throws(() => checkRepoTarget("https://example.com/r.git", ref), BuildFailure, ref);
  });

  it("never shows credentials in a URL or in git's messages", () => {
    assert.equal(redactUrl("https://user:ghp_secret@github.com/a/b.git"), "https://***@github.com/a/b.git");
    assert.equal(redactUrl("https://token@example.com/r"), "https://***@example.com/r");
    assert.equal(redactUrl("https://example.com/r.git"), "https://example.com/r.git");
    assert.equal(redactUrl("https://u:p@ss@example.com/r.git"), "https://***@example.com/r.git", "a password holding @");
    assert.equal(redactUrl("https://example.com/r@v1"), "https://example.com/r@v1", "an @ in the path is not a credential");
    const msg = redactUrl("fatal: unable to access 'https://u:p4ss@example.com/r.git/': Could not resolve host");
    assert.ok(!msg.includes("p4ss"), msg);
    assert.throws(
      () => checkRepoTarget("file://u:s3cret@host/x", "main"),
      (e: Error) => !e.message.includes("s3cret"),
    );
  });

  it("reads a repo: source; other sources are not repositories", () => {
    assert.deepEqual(parseRepoSource("repo:https://***@example.com/r.git#main"), { url: "https://***@example.com/r.git", ref: "main" });
    assert.equal(parseRepoSource("upload"), null);
    assert.equal(parseRepoSource("abc123"), null);
  });
});
