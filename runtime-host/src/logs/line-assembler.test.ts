import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLineAssembler, type RawLine } from "./line-assembler.ts";

const T1 = "2026-11-23T19:00:50.506644497Z";
const T2 = "2026-11-23T19:00:50.506802121Z";

function collect(maxBytes = 100) {
  const lines: RawLine[] = [];
  const asm = createLineAssembler({ maxBytes, onLine: (l) => lines.push(l) });
  const texts = () => lines.map((l) => l.bytes.toString());
  return { asm, lines, texts };
}

describe("line assembler", () => {
  it("splits whole messages into lines, strips the timestamp and a trailing \\r", () => {
    const { asm, lines, texts } = collect();
    asm.push(Buffer.from(`${T1} hello\r\n`), true);
    asm.push(Buffer.from(`${T2} world\n`), true);
    assert.deepEqual(texts(), ["hello", "world"]);
    assert.equal(lines[0]?.time?.raw, T1);
    assert.equal(lines[1]?.time?.raw, T2);
    assert.equal(lines[0]?.totalBytes, 5);
  });

  it("joins a line the engine split into messages, dropping the second message's timestamp", () => {
    const { asm, lines, texts } = collect();
    asm.push(Buffer.from(`${T1} first half `), true);
    asm.push(Buffer.from(`${T2} second half\n`), true);
    assert.deepEqual(texts(), ["first half second half"]);
    assert.equal(lines[0]?.time?.raw, T1);
  });

  it("joins a byte stream cut anywhere (a TTY's output) without mistaking text for a timestamp", () => {
    const { asm, texts } = collect();
    const all = Buffer.from(`${T1} a line\n${T2} another line\n${T1} tail`);
    for (let i = 0; i < all.length; i += 7) asm.push(all.subarray(i, i + 7), false);
    assert.deepEqual(texts(), ["a line", "another line"]);
    asm.end();
    assert.deepEqual(texts(), ["a line", "another line", "tail"]);
  });

  it("keeps only maxBytes of a long line and counts the rest, across messages", () => {
    const { asm, lines } = collect(10);
    asm.push(Buffer.from(`${T1} ${"a".repeat(16)}`), true);
    asm.push(Buffer.from(`${T2} ${"b".repeat(4)}\n`), true);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.bytes.toString(), "a".repeat(10));
    assert.equal(lines[0]?.totalBytes, 20);
  });

  it("emits empty lines and lines without a timestamp", () => {
    const { asm, lines, texts } = collect();
    asm.push(Buffer.from(`${T1} \n`), true);
    asm.push(Buffer.from("no time here\n"), true);
    assert.deepEqual(texts(), ["", "no time here"]);
    assert.equal(lines[1]?.time, null);
  });
});
