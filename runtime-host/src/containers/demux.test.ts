import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createDemuxer, demuxBuffer, type Frame } from "./demux.ts";

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe("demux", () => {
  it("separates stdout and stderr frames, in order", () => {
    const frames: Frame[] = [];
    createDemuxer((f) => frames.push(f))(Buffer.concat([frame(1, "out\n"), frame(2, "err\n")]));
    assert.deepEqual(
      frames.map((f) => [f.stream, f.payload.toString()]),
      [
        ["stdout", "out\n"],
        ["stderr", "err\n"],
      ],
    );
  });

  it("reassembles frames split anywhere across chunks, header included", () => {
    const whole = Buffer.concat([frame(1, "hello "), frame(2, "world")]);
    for (let cut = 1; cut < whole.length; cut++) {
      const parts: string[] = [];
      const feed = createDemuxer((f) => parts.push(f.payload.toString()));
      feed(whole.subarray(0, cut));
      feed(whole.subarray(cut));
      assert.equal(parts.join(""), "hello world", `cut at ${cut}`);
    }
  });

  it("turns a whole multiplexed buffer into the interleaved text", () => {
    assert.equal(demuxBuffer(Buffer.concat([frame(1, "a"), frame(2, "b"), frame(1, "c")])).toString(), "abc");
  });
});
