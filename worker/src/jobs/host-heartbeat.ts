// A runtime-host registered or beat: upsert its row and tell the dashboards.
import { type BusMessage, EVENTS_CHANNEL, type JobPayload, ROOMS } from "@berth/core";
import type { JobContext } from "./context.ts";

export async function hostHeartbeat(payload: JobPayload<"hostHeartbeat">, ctx: JobContext): Promise<void> {
  const { host } = payload;
  // The sender's clock may drift; the control plane's clock decides liveness.
  const now = new Date();
  const facts = {
    hostname: host.hostname,
    dockerVersion: host.dockerVersion,
    cpus: host.cpus,
    memoryBytes: BigInt(host.memoryBytes),
    freeMemoryBytes: BigInt(host.freeMemoryBytes),
    address: host.address,
    ...(host.sealKey ? { sealKey: host.sealKey } : {}),
    ...(host.platform ? { platform: host.platform } : {}),
    lastHeartbeatAt: now,
  };
  const before = await ctx.db.host.findUnique({ where: { id: host.hostId }, select: { id: true } });
  await ctx.db.host.upsert({ where: { id: host.hostId }, create: { id: host.hostId, ...facts }, update: facts });
  if (!before) ctx.log.info({ hostId: host.hostId, hostname: host.hostname }, "host registered");

  const message: BusMessage = {
    type: "host.updated",
    room: ROOMS.hosts,
    payload: { version: 1, host: { ...host, lastHeartbeatAt: now.toISOString() } },
  };
  await ctx.publisher.publish(EVENTS_CHANNEL, JSON.stringify(message));
}
