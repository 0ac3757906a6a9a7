// Registers this host and keeps it marked alive: one `host.heartbeat` job per interval
// on the control queue (the worker upserts the hosts table from it).
import { JOBS } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Queue } from "bullmq";
import type Docker from "dockerode";
import { collectFacts } from "./collect-facts.ts";

export function startHeartbeat(opts: {
  docker: Docker;
  control: Queue;
  hostId: string;
  address: string;
  /** This host's public key (host-key.ts), reported so the control plane can seal secrets to it. */
  sealKey: string;
  intervalMs: number;
  log: Logger;
  /** Called once, after the first heartbeat is enqueued (the host is known before anything else it reports). */
  onFirstBeat?: () => void;
}): () => void {
  let stopped = false;
  let beaten = false;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  const beat = async () => {
    try {
      const host = await collectFacts(opts.docker, { hostId: opts.hostId, address: opts.address, sealKey: opts.sealKey });
      const payload = JOBS.hostHeartbeat.schema.parse({ version: 1, host, sentAt: new Date().toISOString() });
      await opts.control.add(JOBS.hostHeartbeat.name, payload, { removeOnComplete: true, removeOnFail: 100 });
      if (failing) opts.log.info("heartbeat recovered");
      failing = false;
      if (!beaten && !stopped) {
        beaten = true;
        opts.onFirstBeat?.();
      }
    } catch (err) {
      // Keep beating: the engine or Redis may come back; log once per outage.
      if (!failing) opts.log.error({ err }, "heartbeat failed");
      failing = true;
    } finally {
      if (!stopped) timer = setTimeout(beat, opts.intervalMs);
    }
  };
  void beat();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
