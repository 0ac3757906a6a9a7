// Which of this host's app containers run, as it changes: the running ones at start, then the
// engine's event stream (start / die / destroy of containers labelled berth.managed and made by
// this runtime-host). If the event stream drops, it reconnects with a bounded backoff and lists
// the running containers again, so a start missed in between is caught up.
import { LABELS } from "@berth/core/host-jobs";
import type { Logger } from "@berth/core/logger";
import type Docker from "dockerode";
import { HOST_LABEL } from "../containers/create-container.ts";

export type WatchedContainer = {
  dockerId: string;
  name: string;
  appId: string;
  labels: Record<string, string>;
  env: string[];
  tty: boolean;
  /** Whether it was still running when inspected (a short-lived one may have stopped already). */
  isRunning: boolean;
};

export type ContainerHandler = {
  /**
   * `how`: found running by a listing, just started (an event), or found stopped by a listing but
   * stopped only recently (its last lines may not have been read: it ran while this process was
   * down or starting). Called again for a container already known.
   */
  running: (c: WatchedContainer, how: "listed" | "started" | "exited") => void;
  died: (dockerId: string, exitCode: number | null) => void;
  destroyed: (dockerId: string) => void;
};

type EngineEvent = { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };

/** A container that stopped longer ago than this when the host starts is not read again. */
const RECENTLY_STOPPED_MS = 10 * 60_000;
const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];

export function watchContainers(deps: { docker: Docker; hostId: string; log: Logger; handlers: ContainerHandler[] }): { stop: () => void } {
  const labels = [`${LABELS.managed}=true`, `${HOST_LABEL}=${deps.hostId}`];
  let stopped = false;
  let events: NodeJS.ReadableStream | undefined;
  let wake: (() => void) | undefined;

  const announce = async (dockerId: string, found: "listed" | "started") => {
    let how: "listed" | "started" | "exited" = found;
    let info: Docker.ContainerInspectInfo;
    try {
      info = await deps.docker.getContainer(dockerId).inspect();
    } catch (err) {
      deps.log.debug({ err, dockerId }, "container gone before it could be inspected");
      return;
    }
    const appId = info.Config.Labels?.[LABELS.appId];
    if (!appId || stopped) return;
    if (!info.State.Running && how === "listed") {
      if (!(Date.now() - Date.parse(info.State.FinishedAt) < RECENTLY_STOPPED_MS)) return;
      how = "exited";
    }
    const c: WatchedContainer = {
      dockerId: info.Id,
      name: info.Name.replace(/^\//, ""),
      appId,
      labels: info.Config.Labels ?? {},
      env: info.Config.Env ?? [],
      tty: Boolean(info.Config.Tty),
      isRunning: Boolean(info.State.Running),
    };
    for (const h of deps.handlers) h.running(c, how);
  };

  // One container's events are handled in order: a short-lived container's "die" must not
  // overtake the inspect that its "start" waits for.
  const queues = new Map<string, Promise<void>>();
  const inOrder = (id: string, step: () => Promise<void> | void) => {
    const next = (queues.get(id) ?? Promise.resolve()).then(step).catch((err) => deps.log.warn({ err, dockerId: id }, "container event handling failed"));
    queues.set(id, next);
    void next.then(() => {
      if (queues.get(id) === next) queues.delete(id);
    });
  };

  const dispatch = (e: EngineEvent) => {
    const id = e.Actor?.ID;
    if (e.Type !== "container" || !id) return;
    if (e.Action === "start") inOrder(id, () => announce(id, "started"));
    else if (e.Action === "die") {
      const code = Number(e.Actor?.Attributes?.exitCode);
      inOrder(id, () => {
        for (const h of deps.handlers) h.died(id, Number.isFinite(code) ? code : null);
      });
    } else if (e.Action === "destroy")
      inOrder(id, () => {
        for (const h of deps.handlers) h.destroyed(id);
      });
  };

  const session = async () => {
    const stream = await deps.docker.getEvents({ filters: { type: ["container"], event: ["start", "die", "destroy"], label: labels } });
    events = stream;
    if (stopped) {
      (stream as unknown as { destroy: () => void }).destroy();
      return;
    }
    // Listed after subscribing: a container starting in between is seen twice, never missed.
    const found = await deps.docker.listContainers({ all: true, filters: { label: labels } });
    for (const c of found) if (c.State === "running" || c.State === "exited") inOrder(c.Id, () => announce(c.Id, "listed"));
    let pending = "";
    await new Promise<void>((resolve, reject) => {
      stream.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.trim()) continue;
          try {
            dispatch(JSON.parse(line) as EngineEvent);
          } catch (err) {
            deps.log.warn({ err }, "unreadable engine event");
          }
        }
      });
      stream.once("end", resolve);
      stream.once("close", resolve);
      stream.once("error", reject);
    });
  };

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      const startedAt = Date.now();
      try {
        await session();
        if (!stopped) deps.log.warn("engine event stream ended; reconnecting");
      } catch (err) {
        if (!stopped) deps.log.error({ err }, "engine event stream failed; reconnecting");
      }
      if (stopped) break;
      // A stream that lived a while was healthy: start the backoff over.
      failures = Date.now() - startedAt > 30_000 ? 0 : failures + 1;
      const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 10_000;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  };
  void loop();

  return {
    stop() {
      stopped = true;
      (events as unknown as { destroy?: () => void } | undefined)?.destroy?.();
      wake?.();
    },
  };
}
