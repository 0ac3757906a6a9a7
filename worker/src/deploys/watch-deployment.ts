// While a deployment runs: every 500 ms look for a cancel request, every 5 s prove this worker
// still owns it (heartbeatAt), and abort at the hard time limit. `signal.reason` says why.

import { DeployError } from "@berth/control/deployments/deploy-error";
import { deployCancelKey } from "@berth/core/apps";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";

export type Watch = { signal: AbortSignal; stop: () => void };

export function watchDeployment(deps: { db: Db; redis: Redis }, deploymentId: string, timeoutMs: number): Watch {
  const controller = new AbortController();
  const started = Date.now();
  let lastBeat = Date.now();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    try {
      if (await deps.redis.exists(deployCancelKey(deploymentId))) {
        controller.abort(new DeployError("cancelled by a user", "cancelled"));
      } else if (Date.now() - started > timeoutMs) {
        controller.abort(new DeployError(`timed out after ${Math.round(timeoutMs / 1000)} s`));
        // The build (another job) stops on the same key.
        await deps.redis.set(deployCancelKey(deploymentId), "timeout", "EX", 3_600);
      } else if (Date.now() - lastBeat >= 5_000) {
        lastBeat = Date.now();
        await deps.db.deployment.update({ where: { id: deploymentId }, data: { heartbeatAt: new Date() } });
      }
    } catch {
      // Redis or Postgres hiccup: try again on the next tick; the reaper covers a dead worker.
    } finally {
      busy = false;
    }
  }, 500);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

/** Throws the abort reason if the deployment was cancelled or timed out. */
export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new DeployError("aborted");
}

/** Sleeps, waking early (with the abort reason) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
