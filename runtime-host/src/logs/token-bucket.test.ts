import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTokenBucket } from "./token-bucket.ts";

describe("token bucket", () => {
  it("lets a burst through, then the rate", () => {
    let t = 0;
    const bucket = createTokenBucket({ rate: 100, burst: 5, now: () => t });
    const take = (n: number) => Array.from({ length: n }, () => bucket.take()).filter(Boolean).length;
    assert.equal(take(10), 5);
    t += 50; // 5 tokens come back in 50 ms
    assert.equal(take(10), 5);
    t += 10_000; // never more than the burst
    assert.equal(take(100), 5);
  });

  it("counts time on the clock it is given and never runs backwards", () => {
    const bucket = createTokenBucket({ rate: 10, burst: 2, now: () => 0 });
    const takes = (at: number, n: number) => Array.from({ length: n }, () => bucket.take(at)).filter(Boolean).length;
    assert.equal(takes(1_000, 5), 2);
    assert.equal(takes(1_100, 5), 1, "one token in 100 ms at 10/s");
    assert.equal(takes(500, 5), 0, "an earlier time gives nothing back");
  });
});
