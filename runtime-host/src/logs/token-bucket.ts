// Per-container rate limit on log lines: `rate` per second on average, bursts up to `burst`.
// `take(at)` counts time on the caller's clock: the log follower passes the engine's timestamp of
// the line, so the limit is on what the container wrote per second, however far behind the reader is.
export type TokenBucket = { take: (at?: number) => boolean };

export function createTokenBucket(opts: { rate: number; burst: number; now?: () => number }): TokenBucket {
  const now = opts.now ?? Date.now;
  let tokens = opts.burst;
  let last = now();
  return {
    take(at) {
      const t = Math.max(at ?? now(), last);
      tokens = Math.min(opts.burst, tokens + ((t - last) * opts.rate) / 1000);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
