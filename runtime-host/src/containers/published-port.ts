// The host port a container publishes (on the host's publish address). Berth publishes at most
// one port per container, so the first binding is the one.
import type Docker from "dockerode";

type PortMap = Docker.ContainerInspectInfo["NetworkSettings"]["Ports"] | null | undefined;

export function publishedPort(ports: PortMap): number | null {
  for (const bindings of Object.values(ports ?? {})) {
    const bound = bindings?.find((b) => b.HostPort);
    if (bound?.HostPort) return Number(bound.HostPort);
  }
  return null;
}
