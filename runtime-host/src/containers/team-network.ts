// One bridge network per team, so containers of different teams cannot reach each other.
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { withIptablesRetry } from "./iptables-retry.ts";

export const teamNetworkName = (team: string) => `berth-team-${team}`;

export async function ensureTeamNetwork(docker: Docker, team: string): Promise<string> {
  const name = teamNetworkName(team);
  return withIptablesRetry(async () => {
    const existing = await docker.listNetworks({ filters: { name: [name] } });
    if (existing.some((n) => n.Name === name)) return name;
    try {
      await docker.createNetwork({ Name: name, Driver: "bridge", Labels: { [LABELS.managed]: "true", [LABELS.team]: team } });
    } catch (err) {
      // Two jobs for the same team may race to create it; the loser finds it there.
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
    }
    return name;
  });
}
