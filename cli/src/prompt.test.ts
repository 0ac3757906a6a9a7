import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { describe, it } from "node:test";
import type { Stdin } from "./command.ts";
import { CliError, EXIT } from "./errors.ts";
import { promptHidden, readLine } from "./prompt.ts";

describe("readLine", () => {
  it("returns the first line without its line ending", async () => {
    assert.equal(await readLine(Readable.from(["berth_pat_", "abc\r\nsecond line\n"])), "berth_pat_abc");
  });

  it("returns everything when there is no newline, and empty for no input", async () => {
    assert.equal(await readLine(Readable.from(["tok"])), "tok");
    assert.equal(await readLine(Readable.from([])), "");
  });
});

describe("promptHidden", () => {
  const terminal = () => {
    const input = new PassThrough() as PassThrough & Stdin;
    const modes: boolean[] = [];
    input.isTTY = true;
    input.setRawMode = (raw: boolean) => modes.push(raw);
    let shown = "";
    return { input, modes, output: { write: (s: string) => (shown += s) }, shown: () => shown };
  };

  it("reads up to Enter without echoing, honours backspace, and restores the terminal", async () => {
    const t = terminal();
    const answer = promptHidden("Token: ", t.input, t.output);
    t.input.write("secreX\u007ft");
    t.input.write("\rignored");
    assert.equal(await answer, "secret");
    assert.equal(t.shown(), "Token: \n");
    assert.deepEqual(t.modes, [true, false]);
  });

  it("gives up on Ctrl-C with exit 130", async () => {
    const t = terminal();
    const answer = promptHidden("Token: ", t.input, t.output);
    t.input.write("abc\u0003");
    await assert.rejects(answer, (e: unknown) => e instanceof CliError && e.exitCode === EXIT.interrupted);
    assert.deepEqual(t.modes, [true, false]);
  });
});
