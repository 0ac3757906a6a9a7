// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile substitutions (${VAR}) are the subject of these tests
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { imageReferences } from "./check-base-images.ts";
import { parseDockerfile } from "./parse-dockerfile.ts";
import { copyFromWith, flagWord, fromWith, rewriteInstructions } from "./rewrite-dockerfile.ts";

const PINNED = `127.0.0.1:5000/acme/imported/ghcr.io/org/tools@sha256:${"a".repeat(64)}`;

describe("rewriteInstructions / fromWith / copyFromWith", () => {
  it("replaces FROM's image word (as written, before expansion), keeping flags, the stage name and directives", () => {
    const dockerfile = Buffer.from("# escape=`\nARG BASE=ghcr.io/org/tools:1\nFROM --platform=linux/amd64 ${BASE} AS build\nRUN echo `\n  hi\n");
    const ins = parseDockerfile(dockerfile);
    const out = rewriteInstructions(dockerfile, new Map([[1, fromWith(ins[1] as (typeof ins)[number], "${BASE}", PINNED)]])).toString();
    assert.equal(out, `# escape=\`\nARG BASE=ghcr.io/org/tools:1\nFROM --platform=linux/amd64 ${PINNED} AS build\nRUN echo   hi\n`);
    const refs = imageReferences(parseDockerfile(out));
    assert.deepEqual(
      refs.map((r) => r.word),
      [PINNED],
    );
  });

  it("replaces COPY --from=<image> however the flag was quoted, keeping other flags and the arguments", () => {
    const dockerfile = Buffer.from('FROM scratch\nCOPY --chown=1:1 --from="ghcr.io/org/tools:1" /a "/b c"\n');
    const ins = parseDockerfile(dockerfile);
    const line = copyFromWith(ins[1] as (typeof ins)[number], new Map([["ghcr.io/org/tools:1", PINNED]]));
    assert.equal(line, `COPY --chown=1:1 --from=${PINNED} /a "/b c"`);
    const again = parseDockerfile(line)[0];
    assert.deepEqual(again?.flags, ["--chown=1:1", `--from=${PINNED}`]);
  });

  it("quotes a flag the splitter would otherwise read differently", () => {
    assert.equal(flagWord("--chown=a b"), '--chown="a b"');
    assert.equal(parseDockerfile(`COPY ${flagWord('--x=a"b\\c')} /a /b`)[0]?.flags[0], '--x=a"b\\c');
  });
});
