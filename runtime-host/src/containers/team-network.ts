// One bridge network per team, so containers of different teams cannot reach each other.
// The Engine (20.10) accepts two networks of the same name and its duplicate check is best
// effort: this process makes each team's network one at a time, so concurrent first replicas of a
// team never create it twice. (Across agents sharing an engine, a later issue serialises further.)
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";

export const teamNetworkName = (team: string) => `berth-team-${team}`;

const pending = new Map<string, Promise<string>>();

export function ensureTeamNetwork(docker: Docker, team: string): Promise<string> {
  const name = teamNetworkName(team);
  const running = pending.get(name);
  if (running) return running;
  const made = create(docker, name, team).finally(() => pending.delete(name));
  pending.set(name, made);
  return made;
}

async function create(docker: Docker, name: string, team: string): Promise<string> {
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((n) => n.Name === name)) return name;
  try {
    await docker.createNetwork({ Name: name, Driver: "bridge", CheckDuplicate: true, Labels: { [LABELS.managed]: "true", [LABELS.team]: team } });
  } catch (err) {
    // Another process may have made it meanwhile; the loser finds it there.
    if ((err as { statusCode?: number }).statusCode !== 409) throw err;
  }
  return name;
}
