import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatBytes, formatTime, Output, renderFields, renderTable, sanitize } from "./output.ts";

type Row = { slug: string; n: number };
const columns = [
  { header: "slug", value: (r: Row) => r.slug },
  { header: "count", value: (r: Row) => String(r.n), align: "right" as const },
  { header: "note", value: (r: Row) => (r.n > 1 ? "many" : "") },
];

describe("renderTable", () => {
  it("pads every column to its widest cell, two spaces apart, headers in capitals", () => {
    const text = renderTable(columns, [
      { slug: "a", n: 1 },
      { slug: "longer-slug", n: 12 },
    ]);
    assert.equal(text, ["SLUG         COUNT  NOTE", "a                1", "longer-slug     12  many"].join("\n"));
  });

  it("leaves no trailing blanks when the last cells are empty", () => {
    for (const line of renderTable(columns, [{ slug: "x", n: 0 }]).split("\n")) assert.equal(line, line.trimEnd());
  });

  it("prints the header alone for no rows", () => {
    assert.equal(renderTable(columns, []), "SLUG  COUNT  NOTE");
  });

  it("measures characters, not UTF-16 units, and escapes control characters", () => {
    const text = renderTable(
      [
        { header: "n", value: (s: string) => s },
        { header: "x", value: () => "|" },
      ],
      ["𝔸", "ab", "a\u001b[2Jb"],
    );
    assert.deepEqual(text.split("\n"), ["N          X", "𝔸          |", "ab         |", "a\\x1b[2Jb  |"]);
  });
});

describe("formatting", () => {
  it("escapes C0, DEL and C1 characters but keeps other text", () => {
    assert.equal(sanitize("ok é 日本\t\n\u007f\u009b"), "ok é 日本\\x09\\x0a\\x7f\\x9b");
  });

  it("shows times in UTC to the minute, and a placeholder for none", () => {
    assert.equal(formatTime("2025-11-23T09:26:59.123Z"), "2025-11-23 09:26Z");
    assert.equal(formatTime("2025-11-23T09:26:59+02:00"), "2025-11-23 07:26Z");
    assert.equal(formatTime(null), "-");
    assert.equal(formatTime(null, "never"), "never");
    assert.equal(formatTime("garbage"), "garbage");
  });

  it("shows sizes in binary units", () => {
    assert.equal(formatBytes(512), "512 B");
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(formatBytes(8 * 1024 ** 3), "8.0 GiB");
  });

  it("aligns the values of a field list", () => {
    assert.equal(
      renderFields([
        ["Slug", "acme"],
        ["Your role", "owner"],
      ]),
      "Slug:       acme\nYour role:  owner",
    );
  });
});

describe("Output", () => {
  const capture = (json: boolean) => {
    const out = { text: "" };
    const err = { text: "" };
    const o = new Output({ write: (s: string) => (out.text += s) }, { write: (s: string) => (err.text += s) }, json);
    return { o, out, err };
  };

  it("prints JSON as is, pretty, on stdout", () => {
    const { o, out, err } = capture(true);
    o.printJson({ teams: [{ slug: "a", extra: 1 }] });
    assert.deepEqual(JSON.parse(out.text), { teams: [{ slug: "a", extra: 1 }] });
    assert.equal(err.text, "");
  });

  it("keeps notes and warnings off stdout", () => {
    const { o, out, err } = capture(false);
    o.note("hello");
    o.warn("careful");
    assert.equal(out.text, "");
    assert.equal(err.text, "hello\nwarning: careful\n");
  });

  it("prints the empty message instead of a bare header", () => {
    const { o, out } = capture(false);
    o.table(columns, [], "No teams.");
    assert.equal(out.text, "No teams.\n");
  });
});
