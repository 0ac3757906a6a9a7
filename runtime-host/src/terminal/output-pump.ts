// A shell's TTY output on its way to Redis: bytes decoded as one UTF-8 stream (a character split
// across two reads is held back until its last byte arrives, instead of becoming U+FFFD), and
// small reads coalesced for a few milliseconds so a busy shell makes fewer, larger messages.

export type OutputPump = {
  /** Bytes read from the TTY. */
  push: (chunk: Uint8Array) => void;
  /** Sends what is pending now (with any incomplete character flushed as U+FFFD). */
  end: () => void;
};

export function createOutputPump(opts: { emit: (text: string) => void; flushMs: number; maxChars: number }): OutputPump {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let pending = "";
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (pending.length > 0) {
      // Never cut a surrogate pair in two: the halves would not survive JSON on the other side.
      let cut = Math.min(pending.length, opts.maxChars);
      const last = pending.charCodeAt(cut - 1);
      if (cut < pending.length && last >= 0xd800 && last <= 0xdbff) cut = cut > 1 ? cut - 1 : cut + 1;
      opts.emit(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
  };

  return {
    push(chunk) {
      pending += decoder.decode(chunk, { stream: true });
      if (pending.length >= opts.maxChars) flush();
      else if (pending.length > 0 && !timer) timer = setTimeout(flush, opts.flushMs);
    },
    end() {
      pending += decoder.decode();
      flush();
    },
  };
}
