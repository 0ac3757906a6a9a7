import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { excluded, parseDockerignore, withBuildFiles } from "./dockerignore.ts";

const sent = (ignore: string, paths: string[], dockerfile?: string) => {
  const patterns = withBuildFiles(parseDockerignore(ignore), dockerfile);
  return paths.filter((p) => !excluded(patterns, p));
};

describe(".dockerignore (docker's documented examples)", () => {
  it("*/temp*, */*/temp*, temp?", () => {
    const ignore = "# comment\n*/temp*\n*/*/temp*\ntemp?\n";
    const paths = ["somedir/temporary.txt", "somedir/temp", "somedir/subdir/temporary.txt", "tempa", "tempb", "temp", "tempab", "temporary.txt", "a/b/c/temp"];
    assert.deepEqual(sent(ignore, paths), ["temp", "tempab", "temporary.txt", "a/b/c/temp"]);
  });

  it("**/*.go matches in every directory, the root included", () => {
    assert.deepEqual(sent("**/*.go\n", ["main.go", "a/b/c.go", "a/b/c.txt", "go"]), ["a/b/c.txt", "go"]);
  });

  it("*.md with !README.md", () => {
    assert.deepEqual(sent("*.md\n!README.md\n", ["a.md", "README.md", "docs/x.md"]), ["README.md", "docs/x.md"]);
  });

  it("the last matching pattern wins: README-secret.md after or before !README*.md", () => {
    const paths = ["a.md", "README.md", "README-secret.md", "README-x.md"];
    assert.deepEqual(sent("*.md\n!README*.md\nREADME-secret.md\n", paths), ["README.md", "README-x.md"]);
    assert.deepEqual(sent("*.md\nREADME-secret.md\n!README*.md\n", paths), ["README.md", "README-secret.md", "README-x.md"]);
  });

  it("a matching directory excludes what is below it; an exception inside it brings a file back", () => {
    assert.deepEqual(sent("node_modules\n", ["node_modules", "node_modules/a/index.js", "src/node_modules/x"]), ["src/node_modules/x"]);
    assert.deepEqual(sent("build\n!build/keep.txt\n", ["build/a.o", "build/keep.txt"]), ["build/keep.txt"]);
    // An exception that does not start inside the directory cannot reach into it: the walk skipped it whole.
    assert.deepEqual(sent("build\n!*/keep.txt\n", ["build/keep.txt", "other/keep.txt"]), ["other/keep.txt"]);
  });

  it("cleans patterns like filepath.Clean: leading /, ./, trailing /, .. segments", () => {
    assert.deepEqual(sent("/a\n./b/\nc/../d\n", ["a", "b/x", "d", "c"]), ["c"]);
  });

  it("always sends the Dockerfile (also at another path) and .dockerignore itself", () => {
    assert.deepEqual(sent("*\n", ["Dockerfile", ".dockerignore", "app.js"]), ["Dockerfile", ".dockerignore"]);
    assert.deepEqual(sent("*\n", ["Dockerfile", "ops/Dockerfile.prod"], "ops/Dockerfile.prod"), ["ops/Dockerfile.prod"]);
  });

  it("escapes with a backslash and keeps character classes", () => {
    assert.deepEqual(sent("\\*.txt\nfile[0-9]\n", ["*.txt", "a.txt", "file1", "filex"]), ["a.txt", "filex"]);
  });
});
