// The host port a container publishes on 127.0.0.1. Berth publishes at most one port per
// container, so the first loopback binding is the one.
import type Docker from "dockerode";

type PortMap = Docker.ContainerInspectInfo["NetworkSettings"]["Ports"] | null | undefined;

export function publishedPort(ports: PortMap): number | null {
  for (const bindings of Object.values(ports ?? {})) {
    const loopback = bindings?.find((b) => b.HostIp === "127.0.0.1");
    if (loopback?.HostPort) return Number(loopback.HostPort);
  }
  return null;
}
