import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatImageRef } from "@berth/core/image-ref";
import { classifyReference, type ImageReference, imageReferences } from "./check-base-images.ts";
import { parseDockerfile } from "./parse-dockerfile.ts";

const opts = { team: "acme", registryPort: 5000 };
const refs = (dockerfile: string | Buffer) => imageReferences(parseDockerfile(dockerfile));
const written = (dockerfile: string | Buffer) => refs(dockerfile).map((r) => r.written);
/**
 * Each reference with what the check makes of it: the refusal, `none`, the repository (+ `?` when
 * only a public flag allows it), or `outside <reference>` for another registry's image (to import).
 */
const verdicts = (dockerfile: string) =>
  refs(dockerfile).map((r) => {
    const v = classifyReference(r, opts);
    if ("refused" in v) return [r.written, v.refused];
    if (v.use === "none") return [r.written, "none"];
    return [r.written, v.use === "outside" ? `outside ${formatImageRef(v.ref)}` : `${v.namespace}/${v.name}${v.ask ? "?" : ""}`];
  });

describe("imageReferences", () => {
  it("finds FROM lines in any case, across comments, continuations, flags and stage names", () => {
    const dockerfile = [
      "# syntax=docker/dockerfile:1",
      "from --platform=linux/amd64 127.0.0.1:5000/berth/node:20 AS build",
      "RUN echo \\",
      "  FROM 127.0.0.1:5000/not/an-instruction:1",
      "# FROM 127.0.0.1:5000/not/a-comment-either:1",
      "  FrOm \\",
      "   # a comment inside a continuation",
      "",
      "   127.0.0.1:5000/acme/web:1",
      "FROM build",
      "",
    ].join("\n");
    assert.deepEqual(written(dockerfile), ["FROM 127.0.0.1:5000/berth/node:20", "FROM 127.0.0.1:5000/acme/web:1", "FROM build"]);
  });

  it("finds COPY --from and ADD --from, however the flag is quoted or spaced", () => {
    const dockerfile = [
      "FROM scratch",
      "COPY --from=127.0.0.1:5000/a/b:1 /x /y",
      'COPY --fr"om"=127.0.0.1:5000/c/d:1 /x /y',
      "COPY --from 127.0.0.1:5000/e/f:1 /x /y",
      "COPY --chown=1:1 --from='127.0.0.1:5000/g/h:1' /x /y",
      "ADD --from=127.0.0.1:5000/i/j:1 /x /y",
      "COPY /x --from=not-a-flag:1 /y",
    ].join("\n");
    assert.deepEqual(written(dockerfile).slice(1), [
      "COPY --from=127.0.0.1:5000/a/b:1",
      "COPY --from=127.0.0.1:5000/c/d:1",
      "COPY --from=127.0.0.1:5000/e/f:1",
      "COPY --from=127.0.0.1:5000/g/h:1",
      "ADD --from=127.0.0.1:5000/i/j:1",
    ]);
  });

  it("honours an escape directive: with a backtick escape, a trailing backslash no longer hides the next line", () => {
    const dockerfile =
      "# escape=`\nFROM 127.0.0.1:5000/berth/node:20\nLABEL a=b \\\nFROM 127.0.0.1:5000/other/private:1\nRUN echo `\n  FROM 127.0.0.1:5000/x/continued:1\n";
    assert.deepEqual(written(dockerfile), ["FROM 127.0.0.1:5000/berth/node:20", "FROM 127.0.0.1:5000/other/private:1"]);
    // A directive after a comment is only a comment: the backslash continues as usual.
    assert.deepEqual(written("# hello\n# escape=`\nFROM a\nLABEL a=b \\\nFROM b\n"), ["FROM a"]);
  });

  it("reads CRLF line endings, a byte-order mark and Unicode spaces the way the engine does", () => {
    assert.deepEqual(written("\ufeffFROM a\r\nCOPY --from=b \\\r\n /x /y\r\n"), ["FROM a", "COPY --from=b"]);
    // Go trims a no-break space before the instruction, so this is a FROM.
    assert.deepEqual(written("\u00a0FROM 127.0.0.1:5000/other/private:1\n"), ["FROM 127.0.0.1:5000/other/private:1"]);
    // The flag splitter works byte by byte: the second byte of "à" (0xA0) separates words for the engine.
    assert.deepEqual(written("FROM scratch\nCOPY --chown=à--from=127.0.0.1:5000/other/private:1 /x /y\n"), [
      "FROM scratch",
      "COPY --from=127.0.0.1:5000/other/private:1",
    ]);
    // Go lowercases "İ" to a plain "i": this is an ONBUILD instruction.
    assert.deepEqual(written("FROM scratch\nONBUİLD COPY --from=x /a /b\n"), ["FROM scratch", "ONBUILD COPY --from=x"]);
  });

  it("reports ONBUILD COPY --from with the stages a later stage could name", () => {
    const found = refs("FROM 127.0.0.1:5000/berth/node:20 AS base\nONBUILD COPY --from=base /a /b\nFROM base\n");
    const onbuild = found.find((r) => r.written.startsWith("ONBUILD")) as ImageReference;
    assert.equal(onbuild.written, "ONBUILD COPY --from=base");
    assert.deepEqual([...onbuild.stages.names], ["base"]);
    assert.equal(onbuild.stages.count, 1);
  });
});

describe("classifyReference", () => {
  it("allows scratch, earlier stages by name or index, berth/ and the team's own images", () => {
    const dockerfile = [
      "FROM scratch",
      "FROM 127.0.0.1:5000/berth/node:20 AS Build",
      "FROM localhost:5000/acme/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "FROM BUILD",
      "COPY --from=build /a /b",
      "COPY --from=1 /a /b",
    ].join("\n");
    assert.deepEqual(verdicts(dockerfile), [
      ["FROM scratch", "none"],
      ["FROM 127.0.0.1:5000/berth/node:20", "berth/node"],
      ["FROM localhost:5000/acme/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "acme/base"],
      ["FROM BUILD", "none"],
      ["COPY --from=build", "none"],
      ["COPY --from=1", "none"],
    ]);
  });

  it("leaves another team's repository to its public flag", () => {
    assert.deepEqual(verdicts("FROM 127.0.0.1:5000/other/tools/node:1\n"), [["FROM 127.0.0.1:5000/other/tools/node:1", "other/tools/node?"]]);
  });

  it("treats a stage that is not finished yet, by name or index, as an image (on Docker Hub, as the engine reads the name)", () => {
    assert.deepEqual(verdicts("FROM abc\nFROM 127.0.0.1:5000/berth/node:20 AS abc\nCOPY --from=abc /a /b\nCOPY --from=1 /a /b\nCOPY --from=0 /a /b\n"), [
      ["FROM abc", "outside docker.io/library/abc:latest"],
      ["FROM 127.0.0.1:5000/berth/node:20", "berth/node"],
      ["COPY --from=abc", "outside docker.io/library/abc:latest"],
      ["COPY --from=1", "outside docker.io/library/1:latest"],
      ["COPY --from=0", "none"],
    ]);
  });

  it("refuses an ONBUILD trigger naming another registry's image (it is stored, not rewritten to a pinned copy)", () => {
    assert.deepEqual(verdicts("FROM 127.0.0.1:5000/berth/node:20\nONBUILD COPY --from=ghcr.io/org/tools:1 /a /b\n"), [
      ["FROM 127.0.0.1:5000/berth/node:20", "berth/node"],
      [
        "ONBUILD COPY --from=ghcr.io/org/tools:1",
        "an ONBUILD trigger cannot use ghcr.io/org/tools:1: Berth copies images from other registries for the Dockerfile's own FROM and COPY --from, but a trigger is kept in the image as written; push the image to 127.0.0.1:5000/<team>/<name>:<tag> and name that",
      ],
    ]);
  });

  it("takes images from elsewhere as outside references, refuses malformed names saying why; reads FROM after expansion", () => {
    const dockerfile = [
      "ARG BASE=127.0.0.1:5000/berth/node:20",
      "FROM nginx:1.27",
      "FROM 127.0.0.1:5001/acme/web:1",
      "FROM 4bd0a04bd56a",
      "FROM $BASE",
      `FROM \${BASE}`,
      'FROM "127.0.0.1:5000/berth/node:20"',
      "FROM 127.0.0.1:5000/berth/no\\de:20",
      `FROM '"x'`,
      "FROM 127.0.0.1:5000/Acme/web:1",
      "FROM 127.0.0.1:5000/web:1",
      "COPY --from=$X /a /b",
    ].join("\n");
    const plainly = "write the image name plainly, without quotes or escapes";
    const invalid = "not a valid image name in Berth's registry (127.0.0.1:5000/<team>/<name>:<tag>)";
    assert.deepEqual(verdicts(dockerfile), [
      ["FROM nginx:1.27", "outside docker.io/library/nginx:1.27"],
      ["FROM 127.0.0.1:5001/acme/web:1", "outside 127.0.0.1:5001/acme/web:1"],
      ["FROM 4bd0a04bd56a", "outside docker.io/library/4bd0a04bd56a:latest"],
      ["FROM $BASE (127.0.0.1:5000/berth/node:20)", "berth/node"],
      [`FROM \${BASE} (127.0.0.1:5000/berth/node:20)`, "berth/node"],
      ['FROM "127.0.0.1:5000/berth/node:20" (127.0.0.1:5000/berth/node:20)', "berth/node"],
      ["FROM 127.0.0.1:5000/berth/no\\de:20 (127.0.0.1:5000/berth/node:20)", "berth/node"],
      ["FROM '\"x' (\"x)", plainly],
      ["FROM 127.0.0.1:5000/Acme/web:1", invalid],
      ["FROM 127.0.0.1:5000/web:1", invalid],
      ["COPY --from=$X", "the classic builder does not expand build arguments in COPY --from; name the image or stage directly"],
    ]);
  });
});
