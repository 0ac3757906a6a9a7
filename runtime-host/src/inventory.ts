// Tells the control plane what actually runs here: one `host.inventory` job at start and every
// BERTH_INVENTORY_MS on the control queue (the worker reconciles it with the desired state).
// Each tick also sweeps team networks no container uses any more, and heals those made twice.
import { JOBS } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Queue } from "bullmq";
import type Docker from "dockerode";
import { listContainers } from "./containers/list-containers.ts";
import { pruneTeamNetworks } from "./containers/prune-team-networks.ts";
import type { NetworkDeps } from "./containers/team-network.ts";

export async function reportInventory(opts: { docker: Docker; control: Queue; hostId: string; reason: "start" | "periodic" }): Promise<number> {
  const { containers } = await listContainers(opts.docker, opts.hostId);
  const payload = JOBS.hostInventory.schema.parse({ version: 1, hostId: opts.hostId, reason: opts.reason, containers });
  await opts.control.add(JOBS.hostInventory.name, payload, { removeOnComplete: true, removeOnFail: 100 });
  return containers.length;
}

export function startInventory(opts: {
  docker: Docker;
  control: Queue;
  hostId: string;
  intervalMs: number;
  /** The fence and engine lock under which team networks made twice are healed. */
  networks: NetworkDeps;
  log: Logger;
}): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let reason: "start" | "periodic" = "start";
  const tick = async () => {
    try {
      const count = await reportInventory({ ...opts, reason });
      opts.log.debug({ reason, containers: count }, "inventory sent");
      reason = "periodic";
      if (failing) opts.log.info("inventory recovered");
      failing = false;
    } catch (err) {
      // Keep trying on the next tick; log once per outage. The first report stays "start".
      if (!failing) opts.log.error({ err }, "inventory failed");
      failing = true;
    }
    try {
      const removed = await pruneTeamNetworks(opts.docker, { heal: { ...opts.networks, log: opts.log } });
      if (removed.length) opts.log.info({ networks: removed }, "removed unused team networks");
    } catch (err) {
      opts.log.warn({ err }, "team network sweep failed");
    } finally {
      if (!stopped) timer = setTimeout(tick, opts.intervalMs);
    }
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
