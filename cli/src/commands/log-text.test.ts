import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatLogLine, parseTimeArg, terminalSafe } from "./log-text.ts";

describe("terminalSafe", () => {
  it("keeps colour on a terminal, and resets it at the end of the line", () => {
    assert.equal(terminalSafe("\x1b[32mok\x1b[0m done", true), "\x1b[32mok\x1b[0m done\x1b[0m");
  });
  it("drops colour when stdout is not a terminal", () => {
    assert.equal(terminalSafe("\x1b[1;31merror\x1b[0m", false), "error");
  });
  it("removes every sequence that moves the cursor, clears, retitles or links", () => {
    const evil = "a\x1b[2J\x1b[H\x1b]0;pwned\x07b\x1b]8;;http://x\x1b\\c\x1b[?1049hd\x1bPq#0\x1b\\e\x9b2Jf\x1bcg";
    assert.equal(terminalSafe(evil, true), "abcdefg");
  });
  it("escapes lone control characters and keeps tabs", () => {
    assert.equal(terminalSafe("bell\x07 cr\r\tend", true), "bell\\x07 cr\\x0d\tend");
    assert.equal(terminalSafe("unterminated \x1b]0;title", false), "unterminated 0;title");
  });
});

describe("formatLogLine", () => {
  it("prints time, replica, a stderr mark and the text", () => {
    const line = formatLogLine({ id: "1-0", ts: "2026-01-02T03:04:05.006Z", container: "c", replica: "web-1", stream: "stderr", text: "boom" }, false);
    assert.match(line, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.006 web-1 \[stderr\] boom$/);
  });
});

describe("parseTimeArg", () => {
  const now = Date.parse("2026-01-01T12:00:00.000Z");
  it("reads durations before now and ISO dates", () => {
    assert.equal(parseTimeArg("10m", now), "2026-01-01T11:50:00.000Z");
    assert.equal(parseTimeArg("2h", now), "2026-01-01T10:00:00.000Z");
    assert.equal(parseTimeArg("1d", now), "2025-12-31T12:00:00.000Z");
    assert.equal(parseTimeArg("2026-01-01T08:00:00Z", now), "2026-01-01T08:00:00.000Z");
  });
  it("refuses anything else", () => {
    assert.equal(parseTimeArg("yesterday", now), null);
    assert.equal(parseTimeArg("10x", now), null);
  });
});
