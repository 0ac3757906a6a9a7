"use client";
import { type DeploymentState, isFinished, roleHas, wentLive } from "@berth/core";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { AnsiText } from "@/components/ansi-text";
import { ErrorNote, PageHeader, secondaryButton, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { useDeployLog } from "@/lib/use-deploy-log";
import { useRetry } from "@/lib/use-retry";
import { AppBreadcrumb, type Deployment, DeploymentStatus, duration, StaleNote, statusLabel } from "../../../../parts";

export function DeploymentView({ team, app, id }: { team: string; app: string; id: string }) {
  const detail = useApi(() => api("getDeployment", { params: { team, app, id } }), `deployment:${team}/${app}/${id}`);
  const membership = useApi(() => api("getTeam", { params: { team } }), `team:${team}`);
  useRetry(detail);
  useRetry(membership);

  if (detail.error && !detail.data) {
    const missing = detail.error.code === "NOT_FOUND";
    return (
      <div className="max-w-3xl">
        <AppBreadcrumb team={team} app={app} />
        <PageHeader title={missing ? "Deployment not found" : "Deployment"} />
        <ErrorNote>{missing ? `There is no such deployment of ${team}/${app}, or you are not a member of ${team}.` : describeError(detail.error)}</ErrorNote>
      </div>
    );
  }
  if (!detail.data) return <p className="text-slate-500">Loading…</p>;
  const role = membership.data?.role;
  // Keyed by the deployment: another one's log must start from nothing.
  return (
    <>
      {detail.error && <StaleNote error={detail.error} />}
      <LoadedDeployment
        key={detail.data.id}
        team={team}
        app={app}
        d={detail.data}
        reload={detail.reload}
        canCancel={role !== undefined && roleHas(role, "apps.deploy")}
      />
    </>
  );
}

type Props = { team: string; app: string; d: Deployment; reload: () => Promise<void>; canCancel: boolean };

function LoadedDeployment({ team, app, d, reload, canCancel }: Props) {
  const finished = isFinished(d.status);
  // States seen while watching, with the time they were seen (the API keeps only start and end).
  const [seen, setSeen] = useState<Partial<Record<DeploymentState, string>>>({});
  const known = useRef(d.status);
  known.current = d.status;
  // Several events can report one change before the reload lands; ask once per new state.
  const asked = useRef(d.status);
  const log = useDeployLog(
    { team, app, id: d.id, appId: d.appId },
    {
      finished,
      onStatus: (status) => {
        setSeen((s) => (s[status] ? s : { ...s, [status]: new Date().toISOString() }));
        if (status !== known.current && status !== asked.current) {
          asked.current = status;
          void reload();
        }
      },
    },
  );
  const [error, setError] = useState<string>();

  async function cancel() {
    setError(undefined);
    try {
      await api("cancelDeployment", { params: { team, app, id: d.id } });
    } catch (err) {
      setError(describeError(err));
    }
    await reload();
  }

  return (
    <div className="max-w-6xl space-y-6">
      <div>
        <AppBreadcrumb team={team} app={app} />
        <div className="flex flex-wrap items-start justify-between gap-4">
          <PageHeader
            className=""
            title={
              <span className="flex flex-wrap items-center gap-3">
                <span>
                  Deployment <span className="font-mono text-xl">{d.id.slice(0, 8)}</span>
                </span>
                <DeploymentStatus status={d.status} testId="deployment-status" />
              </span>
            }
          >
            <span className="text-sm">
              {d.kind === "rollback" ? "Rollback" : d.kind === "config" ? "Config change" : d.kind === "build" ? "Build and deploy" : "Image deploy"}
              {d.releaseVersion ? ` of v${d.releaseVersion}` : ""}
              {d.createdBy ? ` by ${d.createdBy}` : ""} · <When iso={d.createdAt} /> · took {duration(d.startedAt ?? d.createdAt, d.finishedAt)}
            </span>
          </PageHeader>
          {canCancel && !finished && (
            <button type="button" className={secondaryButton} onClick={cancel}>
              Cancel deployment
            </button>
          )}
        </div>
        {d.imageRef && <p className="mt-1 break-all font-mono text-xs text-slate-500">{d.imageRef}</p>}
      </div>
      {error && <ErrorNote testId="cancel-error">{error}</ErrorNote>}
      {d.reason && !wentLive(d.status) && (
        <p role="alert" data-testid="deployment-reason" className="whitespace-pre-wrap break-words rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {d.reason}
        </p>
      )}
      {d.status === "replaced" && (
        <p data-testid="deployment-replaced" className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600">
          This deployment went live; it has since been {d.reason ?? "replaced by a newer deployment"}.
        </p>
      )}
      <Timeline d={d} seen={seen} />
      <LogView lines={log.lines} dropped={log.dropped} loaded={log.loaded} error={log.error} live={!finished} />
    </div>
  );
}

const PATH_BUILD: DeploymentState[] = ["queued", "building", "pushing", "starting", "health_checking", "live"];
const PATH_IMAGE: DeploymentState[] = ["queued", "starting", "health_checking", "live"];

type Phase = "done" | "current" | "pending" | "failed";

function Timeline({ d, seen }: { d: Deployment; seen: Partial<Record<DeploymentState, string>> }) {
  const path = d.kind === "build" ? PATH_BUILD : PATH_IMAGE;
  // A replaced deployment went all the way to live.
  const at = path.indexOf(wentLive(d.status) ? "live" : d.status);
  const ended = isFinished(d.status) && !wentLive(d.status);
  // The furthest step known to have been reached: the current one, or the last one seen before the end.
  const reached = at >= 0 ? at : Math.max(d.startedAt ? 1 : 0, ...path.map((s, i) => (seen[s] ? i : 0)));
  const steps = path.map((state, i): { state: DeploymentState; phase: Phase; when?: string } => {
    const when = i === 0 ? d.createdAt : (seen[state] ?? (i === 1 ? (d.startedAt ?? undefined) : undefined));
    if (state === "live") return { state, phase: wentLive(d.status) ? "done" : "pending", when: wentLive(d.status) ? (d.finishedAt ?? when) : undefined };
    if (i < reached) return { state, phase: "done", when };
    if (i === reached) return { state, phase: ended ? "failed" : at >= 0 ? "current" : "done", when };
    return { state, phase: "pending" };
  });
  if (ended) steps.push({ state: d.status, phase: "failed", when: d.finishedAt ?? undefined });
  // Not a failure: it served until a newer deployment went live (when is not recorded).
  if (d.status === "replaced") steps.push({ state: "replaced", phase: "pending" });
  const dot: Record<Phase, string> = {
    done: "bg-emerald-500",
    current: "bg-amber-400 animate-pulse",
    pending: "bg-slate-200",
    failed: "bg-red-500",
  };
  return (
    <ol className="flex flex-wrap items-start gap-x-6 gap-y-3" data-testid="deployment-timeline" aria-label="Progress">
      {steps.map((s) => (
        <li key={s.state} data-state={s.state} data-phase={s.phase} className="flex items-start gap-2 text-sm">
          <span className={`mt-1.5 inline-block h-2.5 w-2.5 shrink-0 rounded-full ${dot[s.phase]}`} aria-hidden />
          <span>
            <span className={s.phase === "pending" ? "text-slate-400" : s.phase === "failed" ? "font-medium text-red-700" : "font-medium text-slate-800"}>
              {statusLabel(s.state)}
            </span>
            {s.when && (
              <span className="block text-xs text-slate-500">
                {new Date(s.when).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" })}
              </span>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}

function LogView({
  lines,
  dropped,
  loaded,
  error,
  live,
}: {
  lines: { id: string; text: string }[];
  dropped: number;
  loaded: boolean;
  error?: string;
  live: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // Follow the end of the log unless the reader has scrolled up to read something.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when lines arrive
  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  return (
    <section aria-labelledby="log" className="space-y-2">
      <div className="flex items-center justify-between">
        <h2 id="log" className="text-lg font-semibold">
          Log
        </h2>
        {live && (
          <span className="text-xs text-slate-500" aria-live="polite">
            following live
          </span>
        )}
      </div>
      {error && <ErrorNote testId="log-error">{error}</ErrorNote>}
      <div
        ref={box}
        className="max-h-[36rem] min-h-40 overflow-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-5 text-slate-100"
        data-testid="deploy-log"
        data-lines={lines.length}
        role="log"
      >
        {dropped > 0 && (
          <p className="mb-2 text-slate-400" data-testid="deploy-log-truncated">
            {dropped.toLocaleString()} earlier {dropped === 1 ? "line" : "lines"} not shown
          </p>
        )}
        {!loaded && lines.length === 0 && <p className="text-slate-400">Loading…</p>}
        {loaded && lines.length === 0 && <p className="text-slate-400">{live ? "Waiting for output…" : "No output."}</p>}
        {lines.map((l) => (
          <div key={l.id} className="whitespace-pre-wrap break-all" data-testid="log-line">
            <AnsiText text={l.text} />
          </div>
        ))}
      </div>
    </section>
  );
}
