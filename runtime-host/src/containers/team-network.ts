// One bridge network per team, so containers of different teams cannot reach each other. It is
// named from the team's id (core's teamNetworkName) and labelled with it; a network of that name
// with another owner's labels (or none) is never joined.
// The Engine (20.10) accepts two networks of the same name and its duplicate check is best
// effort: this process makes each team's network one at a time, so concurrent first replicas of a
// team never create it twice. (Across agents sharing an engine, a later issue serialises further.)
// The network is in the app fence (firewall/app-fence.ts) before it is handed out: a container that
// joins it right after it is made is fenced in from its first packet.
import { AppError } from "@berth/core";
import { teamNetworkName } from "@berth/core/apps";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import type { AppFence } from "../firewall/app-fence.ts";
import { oneAtATime } from "./one-at-a-time.ts";

export type NetworkOwner = { teamId: string; team: string };

export function ensureTeamNetwork(docker: Docker, owner: NetworkOwner, fence: Pick<AppFence, "cover">): Promise<string> {
  const name = teamNetworkName(owner.teamId);
  return oneAtATime(`network:${name}`, () => create(docker, name, owner, fence));
}

async function create(docker: Docker, name: string, owner: NetworkOwner, fence: Pick<AppFence, "cover">): Promise<string> {
  let found = await byName(docker, name);
  if (!found) {
    try {
      await docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: { [LABELS.managed]: "true", [LABELS.teamId]: owner.teamId, [LABELS.team]: owner.team },
      });
    } catch (err) {
      // Another process may have made it meanwhile; the loser finds it there.
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
    }
    found = await byName(docker, name);
  }
  const labels = found?.Labels ?? {};
  if (!found || labels[LABELS.managed] !== "true" || labels[LABELS.teamId] !== owner.teamId) {
    throw new AppError(
      "CONFLICT",
      `network ${name} on this host was not made by Berth for team ${owner.team}; Berth does not join it (an instance admin must remove it)`,
    );
  }
  await fence.cover(found);
  return name;
}

async function byName(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo | undefined> {
  // The name filter matches substrings: keep the exact one.
  return (await docker.listNetworks({ filters: { name: [name] } })).find((n) => n.Name === name);
}
