import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layerProgress, lineSplitter, type ProgressMessage, readProgress } from "./json-stream.ts";

async function collect(chunks: (string | Buffer)[]): Promise<ProgressMessage[]> {
  const out: ProgressMessage[] = [];
  for await (const m of readProgress(
    (async function* () {
      yield* chunks;
    })(),
  )) {
    out.push(m);
  }
  return out;
}

describe("readProgress", () => {
  it("parses messages split anywhere across chunks, multi-byte characters included", async () => {
    const text = '{"stream":"Step 1/2 : FROM x"}\r\n{"stream":"héllo ✓\\n"}\n{"aux":{"ID":"sha256:abc"}}';
    const bytes = Buffer.from(text);
    // Cut inside the two-byte "é" and the three-byte "✓".
    const cuts = [5, bytes.indexOf(0xc3) + 1, bytes.indexOf(0xe2) + 2, bytes.length - 3];
    const chunks = [0, ...cuts].map((start, i) => bytes.subarray(start, [...cuts, bytes.length][i]));
    assert.deepEqual(await collect(chunks), [{ stream: "Step 1/2 : FROM x" }, { stream: "héllo ✓\n" }, { aux: { ID: "sha256:abc" } }]);
  });

  it("keeps a line that is not JSON as output", async () => {
    assert.deepEqual(await collect(["plain text\n", "\n", '{"error":"boom"}\n']), [{ stream: "plain text\n" }, { error: "boom" }]);
  });
});

describe("lineSplitter", () => {
  it("joins fragments into lines and drops empty ones", () => {
    const lines = lineSplitter();
    assert.deepEqual(lines.push("Step 2/2 : RUN echo hi"), []);
    assert.deepEqual(lines.push("\n"), ["Step 2/2 : RUN echo hi"]);
    assert.deepEqual(lines.push("a\n\n   \nb  \nc"), ["a", "b"]);
    assert.deepEqual(lines.flush(), ["c"]);
    assert.deepEqual(lines.flush(), []);
  });

  it("keeps what a terminal would show of a line redrawn with carriage returns", () => {
    const lines = lineSplitter();
    assert.deepEqual(lines.push("progress 10%\rprogress 50%\rprogress 100%\r\n"), ["progress 100%"]);
  });
});

describe("layerProgress", () => {
  it("gives one line per change of a layer's state, not per progress tick", () => {
    const next = layerProgress();
    const messages: ProgressMessage[] = [
      { status: "The push refers to repository [127.0.0.1:5000/acme/web]" },
      { status: "Preparing", id: "a1" },
      { status: "Preparing", id: "b2" },
      { status: "Waiting", id: "b2" },
      { status: "Pushing", id: "a1", progress: "[=>  ] 1MB/9MB" },
      { status: "Pushing", id: "a1", progress: "[==> ] 5MB/9MB" },
      { status: "Layer already exists", id: "b2" },
      { status: "Pushed", id: "a1" },
      { status: "build-abc: digest: sha256:0 size: 1" },
      { aux: { Digest: "sha256:0" } },
    ];
    assert.deepEqual(
      messages.map(next).filter((l) => l !== null),
      [
        "The push refers to repository [127.0.0.1:5000/acme/web]",
        "a1: Pushing",
        "b2: Layer already exists",
        "a1: Pushed",
        "build-abc: digest: sha256:0 size: 1",
      ],
    );
  });
});
