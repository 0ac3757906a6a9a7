// Every crash visible (issue 16): one watcher per agent on the Engine's event stream, for this
// host's managed containers (labels), events die, oom and start. Each die and start becomes a
// `container.event` job on the control queue (as heartbeats and inventories do); the worker records it
// on the container's row and writes a Berth line into the app's log.
// An OOM kill is told by the Engine's `oom` event, which comes before `die` (the container's
// OOMKilled flag is unreliable on cgroup v2 with Engine 20.10). The stream is reopened after an
// error or its end, from the time of the last event seen, so nothing in between is lost.
import { JOBS } from "@berth/core";
import { LABELS } from "@berth/core/host-jobs";
import type { Logger } from "@berth/core/logger";
import type { Queue } from "bullmq";
import type Docker from "dockerode";
import { HOST_LABEL } from "../containers/create-container.ts";

type EngineEvent = {
  Type?: string;
  Action?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
};

const RECONNECT_MS = 1_000;
/** An `oom` not followed by its `die` within this is forgotten. */
const OOM_MEMORY_MS = 60_000;

export function watchContainerEvents(opts: { docker: Docker; control: Queue; hostId: string; log: Logger }): () => void {
  const { docker, control, hostId, log } = opts;
  let stopped = false;
  let stream: NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Seconds since the epoch of the last event seen: a reopened stream starts there. */
  let since = Math.floor(Date.now() / 1000);
  const oomAt = new Map<string, number>();
  /** Docker id -> its last exit, until the start after it. */
  const lastExit = new Map<string, { exitCode: number | null; oom: boolean }>();
  let failing = false;

  const report = async (ev: EngineEvent) => {
    const dockerId = ev.Actor?.ID ?? ev.id ?? "";
    const attrs = ev.Actor?.Attributes ?? {};
    if (ev.Action === "oom") {
      oomAt.set(dockerId, Date.now());
      return;
    }
    const kind = ev.Action === "die" ? "die" : "start";
    const oom = kind === "die" && Date.now() - (oomAt.get(dockerId) ?? 0) < OOM_MEMORY_MS;
    if (kind === "die") oomAt.delete(dockerId);
    // The restart count and limit as the Engine has them now (gone if the container was removed).
    const info = await docker
      .getContainer(dockerId)
      .inspect()
      .catch(() => null);
    // A start carries the exit before it (the worker may handle the two jobs in any order).
    const died = Number(attrs.exitCode);
    const exit = kind === "die" ? { exitCode: Number.isFinite(died) ? died : null, oom } : (lastExit.get(dockerId) ?? { exitCode: null, oom: false });
    if (kind === "die") lastExit.set(dockerId, exit);
    else lastExit.delete(dockerId);
    const payload = JOBS.containerEvent.schema.parse({
      version: 1,
      hostId,
      dockerId,
      name: (attrs.name ?? info?.Name ?? "").replace(/^\//, ""),
      appId: attrs[LABELS.appId] ?? null,
      kind,
      exitCode: exit.exitCode,
      oom: exit.oom,
      restartCount: info?.RestartCount ?? 0,
      memoryLimitBytes: info?.HostConfig?.Memory || null,
      at: new Date(ev.timeNano ? Math.floor(ev.timeNano / 1e6) : (ev.time ?? Date.now() / 1000) * 1000).toISOString(),
    });
    await control.add(JOBS.containerEvent.name, payload, { removeOnComplete: true, removeOnFail: 100 });
  };

  const open = async () => {
    if (stopped) return;
    try {
      const s = (await docker.getEvents({
        since,
        filters: { type: ["container"], event: ["die", "oom", "start"], label: [`${LABELS.managed}=true`, `${HOST_LABEL}=${hostId}`] },
      })) as NodeJS.ReadableStream;
      stream = s;
      if (failing) log.info("engine event stream reopened");
      failing = false;
      let buffered = "";
      // One at a time, in order (the oom before its die).
      let chain: Promise<void> = Promise.resolve();
      s.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8");
        let nl = buffered.indexOf("\n");
        while (nl >= 0) {
          const text = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf("\n");
          if (!text) continue;
          let ev: EngineEvent;
          try {
            ev = JSON.parse(text) as EngineEvent;
          } catch {
            continue;
          }
          if (ev.time) since = Math.max(since, ev.time);
          chain = chain.then(() => report(ev)).catch((err) => log.error({ err }, "reporting a container event failed"));
        }
      });
      const again = (err?: Error) => {
        if (stream !== s) return;
        stream = undefined;
        if (err && !failing) log.warn({ err }, "engine event stream failed; reopening");
        failing = Boolean(err);
        retry();
      };
      s.on("error", again);
      s.on("end", () => again());
      s.on("close", () => again());
    } catch (err) {
      if (!failing) log.warn({ err }, "opening the engine event stream failed; retrying");
      failing = true;
      retry();
    }
  };
  const retry = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void open(), RECONNECT_MS);
  };
  void open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    const s = stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    stream = undefined;
    s?.destroy?.();
  };
}
