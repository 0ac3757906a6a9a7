// The fence around this host's app containers (core/src/fence): they reach neither the host itself
// (the control plane's ports, on any of its addresses), nor private or link-local ranges (other
// hosts, their published ports, cloud metadata), nor another team's published port here. Same-team
// replicas still talk on their team network; the proxy and health checks still reach published
// ports (connections from outside). Installed at start-up before any job runs, then kept in step
// with the engine: a team network is covered before any container joins it (ensureTeamNetwork awaits
// `cover`), a Berth network (label berth.managed) created or removed by anyone rewrites the rules, and
// a periodic check puts the jumps back if a firewall reload dropped them.
import { AppError } from "@berth/core";
import { applyFence, fenceInstalled } from "@berth/core/fence/apply-fence";
import { LABELS } from "@berth/core/host-jobs";
import type { Logger } from "@berth/core/logger";
import type Docker from "dockerode";

export const APP_FENCE = "BERTH-APPS";
const CHECK_MS = 30_000;

/** The Linux bridge of a bridge network: its `bridge.name` option, else the engine's `br-<id>` naming. */
export const bridgeName = (n: Docker.NetworkInspectInfo) => n.Options?.["com.docker.network.bridge.name"] ?? `br-${n.Id.slice(0, 12)}`;

async function appInterfaces(docker: Docker): Promise<string[]> {
  const networks = await docker.listNetworks({ filters: { label: [`${LABELS.managed}=true`], driver: ["bridge"] } });
  return networks.map(bridgeName).sort();
}

export type AppFence = {
  /**
   * Resolves once the fence's rules cover this network's bridge (a sync that started after the call, unless
   * they already do); throws if they do not. A team network is covered before any container joins it, so
   * no container runs unfenced until the engine's "network created" event is handled.
   */
  cover: (network: Docker.NetworkInspectInfo) => Promise<void>;
  stop: () => void;
};

export async function startAppFence(deps: { docker: Docker; allow: string[]; log: Logger }): Promise<AppFence> {
  let applied = new Set<string>();
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let stopped = false;

  const sync = async (force: boolean) => {
    const interfaces = await appInterfaces(deps.docker);
    const key = interfaces.join(",");
    const same = key === [...applied].join(",");
    if (!force && same && (await fenceInstalled(APP_FENCE))) return;
    await applyFence({ name: APP_FENCE, interfaces, allow: deps.allow });
    if (!same) deps.log.info({ interfaces, allow: deps.allow }, "app containers fenced in");
    applied = new Set(interfaces);
  };
  // One sync at a time. A request is answered by a sync that starts after it: during one, the next is
  // queued, and every request meanwhile shares that one.
  const request = (): Promise<void> => {
    const start = () => {
      const mine = sync(false).finally(() => {
        if (running === mine) running = undefined;
      });
      running = mine;
      return mine;
    };
    if (queued) return queued;
    if (!running) return start();
    const next = running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    queued = next;
    return next;
  };
  const inBackground = () =>
    void request().catch((err) => {
      if (!stopped) deps.log.error({ err }, "could not install the app containers' firewall");
    });

  // The first install must succeed: an agent whose containers are not fenced in does not start.
  await sync(true);
  const timer = setInterval(inBackground, CHECK_MS);
  let events: NodeJS.ReadableStream | undefined;
  const listen = async () => {
    while (!stopped) {
      try {
        events = await deps.docker.getEvents({ filters: { type: ["network"], event: ["create", "destroy"] } });
        inBackground();
        await new Promise<void>((resolve) => {
          events?.on("data", inBackground);
          events?.once("end", resolve);
          events?.once("close", resolve);
          events?.once("error", () => resolve());
        });
      } catch (err) {
        if (!stopped) deps.log.warn({ err }, "network event stream failed; reconnecting");
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 2_000));
    }
  };
  void listen();
  return {
    cover: async (network) => {
      const bridge = bridgeName(network);
      if (applied.has(bridge)) return;
      await request();
      if (!applied.has(bridge))
        throw new AppError("UNAVAILABLE", `this host's firewall does not cover network ${network.Name} yet; no container joins it until it does`);
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
      (events as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    },
  };
}
