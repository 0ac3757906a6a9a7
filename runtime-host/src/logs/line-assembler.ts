// Turns the engine's log output of one stream (stdout or stderr) into lines. Each engine message
// starts with its timestamp and a space; a line longer than the engine's 16 KiB buffer arrives as
// several messages (frames), each with a timestamp of its own and only the last ending in "\n".
// Only the first `maxBytes` of a line are kept (the rest is counted), so a line without end never
// grows memory; bytes stay Buffers (views, no copies) until the caller decides to keep the line.
import { type EngineTime, parseEngineTime } from "./engine-time.ts";

export type RawLine = {
  /** The engine's time of the line's first message (null if it carried none). */
  time: EngineTime | null;
  /** The first bytes of the line (at most maxBytes), without "\n" or a trailing "\r". */
  bytes: Buffer;
  /** The line's full length in bytes. */
  totalBytes: number;
};

export type LineAssembler = {
  /** `frameStart`: the chunk is a whole engine message (demultiplexed output) rather than a piece of a byte stream. */
  push: (chunk: Buffer, frameStart: boolean) => void;
  /** Emits an unfinished last line (the stream ended without "\n"). */
  end: () => void;
};

const SPACE = 0x20;
const NL = 0x0a;
const CR = 0x0d;
/** "2026-11-23T19:00:50.506644497+01:00" is 35 characters. */
const TIME_MAX = 40;

function readTime(buf: Buffer, pos: number): { time: EngineTime; end: number } | null {
  const space = buf.indexOf(SPACE, pos);
  if (space === -1 || space - pos > TIME_MAX) return null;
  const time = parseEngineTime(buf.toString("latin1", pos, space));
  return time ? { time, end: space + 1 } : null;
}

export function createLineAssembler(opts: { maxBytes: number; onLine: (line: RawLine) => void }): LineAssembler {
  let inLine = false;
  let time: EngineTime | null = null;
  let parts: Buffer[] = [];
  let kept = 0;
  let total = 0;
  // Byte-stream mode only: the start of a line whose timestamp is not complete yet.
  let head: Buffer | null = null;

  const append = (piece: Buffer) => {
    total += piece.length;
    if (kept >= opts.maxBytes || piece.length === 0) return;
    const take = Math.min(piece.length, opts.maxBytes - kept);
    parts.push(take === piece.length ? piece : piece.subarray(0, take));
    kept += take;
  };

  const emit = () => {
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, kept);
    let size = total;
    if (size === kept && bytes.length > 0 && bytes[bytes.length - 1] === CR) {
      bytes = bytes.subarray(0, bytes.length - 1);
      size -= 1;
    }
    inLine = false;
    parts = [];
    kept = 0;
    total = 0;
    opts.onLine({ time, bytes, totalBytes: size });
  };

  return {
    push(input, frameStart) {
      const chunk = head ? Buffer.concat([head, input]) : input;
      head = null;
      let pos = 0;
      if (inLine && frameStart) {
        // The next piece of a line cut by the engine: its own timestamp is not part of the text.
        const t = readTime(chunk, 0);
        if (t) pos = t.end;
      }
      while (pos < chunk.length) {
        if (!inLine) {
          if (!frameStart && chunk.length - pos < TIME_MAX && chunk.indexOf(SPACE, pos) === -1 && chunk.indexOf(NL, pos) === -1) {
            head = chunk.subarray(pos);
            return;
          }
          const t = readTime(chunk, pos);
          time = t?.time ?? null;
          if (t) pos = t.end;
          inLine = true;
        }
        const nl = chunk.indexOf(NL, pos);
        append(chunk.subarray(pos, nl === -1 ? chunk.length : nl));
        if (nl === -1) return;
        emit();
        pos = nl + 1;
      }
    },
    end() {
      if (head) {
        inLine = true;
        time = null;
        append(head);
        head = null;
      }
      if (inLine) emit();
    },
  };
}
