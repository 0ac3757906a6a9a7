// Docker multiplexes a non-TTY container's stdout and stderr into frames: an 8-byte header
// (stream type, 3 zero bytes, big-endian payload length) then the payload. Frames may be split
// across chunks, so the parser keeps what it has not consumed yet.
export type Frame = { stream: "stdout" | "stderr"; payload: Buffer };

export function createDemuxer(onFrame: (frame: Frame) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      onFrame({ stream: pending[0] === 2 ? "stderr" : "stdout", payload: pending.subarray(8, 8 + size) });
      pending = pending.subarray(8 + size);
    }
  };
}

/** A whole multiplexed buffer (e.g. a non-following logs answer) -> stdout and stderr interleaved. */
export function demuxBuffer(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  createDemuxer((f) => parts.push(f.payload))(buf);
  return Buffer.concat(parts);
}
