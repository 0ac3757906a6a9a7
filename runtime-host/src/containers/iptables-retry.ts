// Engines on one machine share the kernel's iptables chains; when two of them set up a bridge or
// a published port at the same moment, one may fail with a transient "iptables failed: … Bad rule".
// Such an operation is tried again a few times, a short random while later; other errors pass.
import { setTimeout as sleep } from "node:timers/promises";

const ATTEMPTS = 5;

export async function withIptablesRetry<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= ATTEMPTS || !/iptables/i.test((err as Error).message ?? "")) throw err;
      await sleep(100 + Math.floor(Math.random() * 400));
    }
  }
}
