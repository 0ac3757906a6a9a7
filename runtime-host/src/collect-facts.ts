// What this host tells the control plane about itself on every heartbeat.
import { freemem } from "node:os";
import type { HostFacts } from "@berth/core";
import { enginePlatform, formatPlatform } from "@berth/core/platform";
import type Docker from "dockerode";

export async function collectFacts(docker: Docker, opts: { hostId: string; address: string; sealKey: string }): Promise<HostFacts> {
  const info = await docker.info();
  return {
    hostId: opts.hostId,
    hostname: String(info.Name),
    dockerVersion: String(info.ServerVersion),
    cpus: Number(info.NCPU),
    memoryBytes: Number(info.MemTotal),
    // The engine reports total memory only; free memory is the kernel's view of this host.
    freeMemoryBytes: freemem(),
    address: opts.address,
    containersRunning: Number(info.ContainersRunning),
    sealKey: opts.sealKey,
    platform: formatPlatform(enginePlatform(String(info.OSType ?? "linux"), String(info.Architecture ?? ""))),
  };
}
