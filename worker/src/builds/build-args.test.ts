// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile substitutions (${VAR}) are the subject of these tests
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { argWords, metaArgs, processWord } from "./build-args.ts";
import { imageReferences } from "./check-base-images.ts";
import { parseDockerfile } from "./parse-dockerfile.ts";

const env = new Map([
  ["B", "127.0.0.1:5000/berth/busybox:latest"],
  ["E", ""],
]);
const fromWords = (dockerfile: string, args: Record<string, string> = {}) =>
  imageReferences(parseDockerfile(dockerfile), undefined, "", args)
    .filter((r) => r.kind === "from")
    .map((r) => r.word);

describe("processWord (the builder's shell lexer)", () => {
  it("substitutes $VAR, ${VAR}, :- :+ :? and leaves unset names empty", () => {
    assert.equal(processWord("$B", env), "127.0.0.1:5000/berth/busybox:latest");
    assert.equal(processWord("${B}", env), "127.0.0.1:5000/berth/busybox:latest");
    assert.equal(processWord("x${U}y$U", env), "xy");
    assert.equal(processWord("${U:-d}|${E:-d}|${B:-d}", env), "d|d|127.0.0.1:5000/berth/busybox:latest");
    assert.equal(processWord("${U:+a}|${E:+a}|${B:+a}", env), "||a");
    assert.equal(processWord("${B:?no}", env), "127.0.0.1:5000/berth/busybox:latest");
    assert.throws(() => processWord("${U:?must be set}", env), /U: must be set/);
    assert.throws(() => processWord("${E:?}", env), /E: is not allowed to be empty/);
    assert.equal(processWord("${U:-${B}}", env), "127.0.0.1:5000/berth/busybox:latest");
  });

  it("refuses what the engine refuses: ${B-x}, ${}, a missing brace", () => {
    assert.throws(() => processWord("${B-x}", env), /missing ':' in substitution/);
    assert.throws(() => processWord("${}", env), /bad substitution/);
    assert.throws(() => processWord("${B", env), /missing ':' in substitution/);
    assert.throws(() => processWord("${B:-x", env), /missing '}'/);
    assert.throws(() => processWord("${B:%x}", env), /unsupported modifier \(%\)/);
  });

  it("removes quotes and escapes; single quotes and escaped dollars stay literal", () => {
    assert.equal(processWord('"${B}"', env), "127.0.0.1:5000/berth/busybox:latest");
    assert.equal(processWord("'$B'", env), "$B");
    assert.equal(processWord("\\$B", env), "$B");
    assert.equal(processWord("no\\de", env), "node");
    assert.equal(processWord("`$B", env, "`"), "$B");
    assert.equal(processWord("a$", env), "a$");
  });
});

describe("argWords", () => {
  it("splits ARG's arguments at whitespace, keeping quoted spaces and the quotes for the lexer", () => {
    assert.deepEqual(argWords('A=1  B="x y" C'), ["A=1", 'B="x y"', "C"]);
    assert.deepEqual(argWords("A=a\\ b"), ["A=a\\ b"]);
    // Go's unicode.IsSpace: U+0085 and U+00A0 separate words, U+FEFF does not.
    assert.deepEqual(argWords("A=1\u00a0B=2\ufeffC=3"), ["A=1", "B=2\ufeffC=3"]);
  });
});

describe("metaArgs and FROM", () => {
  it("uses a global ARG's default, the app's value over it, and ignores ARGs after the first FROM", () => {
    const df = "ARG BASE=127.0.0.1:5000/berth/busybox:latest\nFROM ${BASE} AS one\nARG LATE=x\nFROM $BASE\n";
    assert.deepEqual(fromWords(df), ["127.0.0.1:5000/berth/busybox:latest", "127.0.0.1:5000/berth/busybox:latest"]);
    assert.deepEqual(fromWords(df, { BASE: "127.0.0.1:5000/acme/base:2" }), ["127.0.0.1:5000/acme/base:2", "127.0.0.1:5000/acme/base:2"]);
    assert.throws(() => fromWords("FROM 127.0.0.1:5000/berth/busybox:latest\nARG X=1\nFROM ${X}\n"), /line 3: base name \(\$\{X\}\) should not be blank/);
  });

  it("expands each ARG line with the values known before it (docker: `ARG A=x B=$A` leaves B empty)", () => {
    assert.deepEqual(
      [...metaArgs(parseDockerfile("ARG A=x B=$A\nARG C=$A/y\nFROM s\n"))],
      [
        ["A", "x"],
        ["B", ""],
        ["C", "x/y"],
      ],
    );
    // An app value overrides what later defaults see, too.
    assert.equal(metaArgs(parseDockerfile("ARG A=x\nARG C=$A/y\nFROM s\n"), { A: "z" }).get("C"), "z/y");
  });

  it("does not substitute an app value the Dockerfile never declared, except the built-in proxy arguments", () => {
    assert.throws(() => fromWords("FROM ${B}\n", { B: "127.0.0.1:5000/berth/busybox:latest" }), /base name \(\$\{B\}\) should not be blank/);
    assert.throws(() => fromWords("ARG B\nFROM ${B}\n"), /should not be blank/);
    assert.deepEqual(fromWords("FROM 127.0.0.1:5000/berth/busybox${HTTP_PROXY}\n", { HTTP_PROXY: ":latest" }), ["127.0.0.1:5000/berth/busybox:latest"]);
  });

  it("lets an expanded FROM name an earlier stage, and checks the expanded word (no image slips past as an arg)", () => {
    const refs = imageReferences(parseDockerfile("ARG S=build\nFROM 127.0.0.1:5000/berth/busybox:latest AS build\nFROM $S\n"));
    assert.equal(refs[1]?.word, "build");
    assert.ok(refs[1]?.stages.names.has("build"));
    assert.deepEqual(fromWords("ARG B=127.0.0.1:5000/berth/busybox:latest\nFROM $B\n", { B: "127.0.0.1:5000/other/secret:1" }), [
      "127.0.0.1:5000/other/secret:1",
    ]);
  });
});
