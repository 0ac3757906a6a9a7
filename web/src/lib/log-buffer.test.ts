import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { appendLines, emptyLog, type LogLine } from "./log-buffer.ts";

const line = (id: string, text = `line ${id}`): LogLine => ({ id, ts: "2026-01-01T00:00:00.000Z", text });

describe("appendLines", () => {
  it("keeps a line that arrives from history and from the socket only once", () => {
    let buf = appendLines(emptyLog(), [line("1-0"), line("2-0")], 10);
    buf = appendLines(buf, [line("2-0"), line("3-0")], 10);
    assert.deepEqual(
      buf.lines.map((l) => l.id),
      ["1-0", "2-0", "3-0"],
    );
    assert.equal(buf.lastId, "3-0");
  });

  it("returns the same buffer when every line was already taken", () => {
    const buf = appendLines(emptyLog(), [line("1-0")], 10);
    assert.equal(appendLines(buf, [line("1-0")], 10), buf);
  });

  it("holds only the newest lines and counts the ones it let go", () => {
    let buf = emptyLog();
    for (let i = 1; i <= 7; i++) buf = appendLines(buf, [line(`${i}-0`)], 5);
    assert.deepEqual(
      buf.lines.map((l) => l.id),
      ["3-0", "4-0", "5-0", "6-0", "7-0"],
    );
    assert.equal(buf.dropped, 2);
    // A dropped line coming back (a late catch-up) is still a duplicate.
    assert.equal(appendLines(buf, [line("1-0")], 5), buf);
  });

  it("keeps terminal colours for the view to render", () => {
    const buf = appendLines(emptyLog(), [line("1-0", "\u001b[32mok\u001b[0m step 1/3\r")], 10);
    assert.equal(buf.lines[0]?.text, "\u001b[32mok\u001b[0m step 1/3\r");
  });
});
