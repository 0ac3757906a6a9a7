import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applySgr, color256, cssOf, parseAnsi, stripAnsi } from "./ansi.ts";

const E = "\u001b";

describe("parseAnsi", () => {
  it("leaves plain text as one unstyled segment", () => {
    assert.deepEqual(parseAnsi("hello world"), [{ text: "hello world", style: {} }]);
  });

  it("colours text between a colour code and a reset", () => {
    assert.deepEqual(parseAnsi(`a ${E}[31mred${E}[0m b`), [
      { text: "a ", style: {} },
      { text: "red", style: { fg: "#f87171" } },
      { text: " b", style: {} },
    ]);
  });

  it("combines emphasis and colours in one sequence and keeps them until changed", () => {
    const segs = parseAnsi(`${E}[1;3;4;92;44mx${E}[22;39my${E}[mz`);
    assert.deepEqual(segs[0], { text: "x", style: { bold: true, italic: true, underline: true, fg: "#86efac", bg: "#60a5fa" } });
    assert.deepEqual(segs[1], { text: "y", style: { italic: true, underline: true, bg: "#60a5fa" } });
    assert.deepEqual(segs[2], { text: "z", style: {} });
  });

  it("reads bright backgrounds, dim, and 39/49 defaults", () => {
    assert.deepEqual(parseAnsi(`${E}[2;101;33ma${E}[49mb`), [
      { text: "a", style: { dim: true, bg: "#fca5a5", fg: "#facc15" } },
      { text: "b", style: { dim: true, fg: "#facc15" } },
    ]);
  });

  it("reads 256-colour and true-colour foregrounds and backgrounds", () => {
    assert.deepEqual(parseAnsi(`${E}[38;5;196mA${E}[48;2;1;2;3mB`), [
      { text: "A", style: { fg: "#ff0000" } },
      { text: "B", style: { fg: "#ff0000", bg: "#010203" } },
    ]);
  });

  it("ignores a true colour with a component out of range", () => {
    assert.deepEqual(parseAnsi(`${E}[38;2;300;0;0mA`), [{ text: "A", style: {} }]);
  });

  it("drops cursor moves, screen clears, titles and charset switches", () => {
    const line = `${E}[2K${E}[1A${E}]0;evil title${E}\\${E}]8;;http://x${E}\\link${E}]8;;\u0007${E}(Bdone${E}[?25l`;
    assert.equal(stripAnsi(line), "linkdone");
  });

  it("removes control characters but keeps tabs", () => {
    assert.equal(stripAnsi("a\u0000b\u0007c\rd\u0008e\tf\u007fg\u009bh"), "abcde\tfg");
  });

  it("drops an unterminated sequence at the end of a line", () => {
    assert.equal(stripAnsi(`ok${E}[31`), "ok");
    assert.equal(stripAnsi(`ok${E}]0;title`), "ok");
    assert.equal(stripAnsi(`ok${E}`), "ok");
  });

  it("keeps markup-looking text as text", () => {
    const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
    assert.deepEqual(parseAnsi(`${E}[31m${payload}`), [{ text: payload, style: { fg: "#f87171" } }]);
  });

  it("merges neighbouring text of the same style", () => {
    assert.deepEqual(parseAnsi(`a${E}[0mb${E}[31m${E}[39mc`), [{ text: "abc", style: {} }]);
  });
});

describe("color256", () => {
  it("maps the basic colours, the cube and the greys", () => {
    assert.equal(color256(1), "#f87171");
    assert.equal(color256(16), "#000000");
    assert.equal(color256(231), "#ffffff");
    assert.equal(color256(232), "#080808");
    assert.equal(color256(255), "#eeeeee");
    assert.equal(color256(256), undefined);
  });
});

describe("applySgr", () => {
  it("resets on an empty parameter list", () => {
    assert.deepEqual(applySgr({ bold: true, fg: "#fff" }, []), {});
  });
});

describe("cssOf", () => {
  it("turns a style into inline CSS properties", () => {
    assert.deepEqual(cssOf({ fg: "#ff0000", bg: "#000000", bold: true, dim: true, italic: true, underline: true }), {
      color: "#ff0000",
      backgroundColor: "#000000",
      fontWeight: 700,
      opacity: 0.7,
      fontStyle: "italic",
      textDecoration: "underline",
    });
  });
});
