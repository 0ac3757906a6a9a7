// Pieces the app pages share: links, the deployment status badge, the shapes the API answers with.
import type { appView, containerView, DeploymentState, deploymentView, releaseView } from "@berth/core";
import Link from "next/link";
import type { z } from "zod";

export type App = z.infer<typeof appView>;
export type Deployment = z.infer<typeof deploymentView>;
export type Release = z.infer<typeof releaseView>;
export type Container = z.infer<typeof containerView>;

export const appHref = (team: string, app: string) => `/apps/${encodeURIComponent(team)}/${encodeURIComponent(app)}`;
export const deploymentHref = (team: string, app: string, id: string) => `${appHref(team, app)}/deployments/${encodeURIComponent(id)}`;

const STATUS_TONE: Record<DeploymentState, string> = {
  queued: "bg-slate-100 text-slate-700",
  building: "bg-amber-50 text-amber-700",
  pushing: "bg-amber-50 text-amber-700",
  starting: "bg-amber-50 text-amber-700",
  health_checking: "bg-amber-50 text-amber-700",
  live: "bg-emerald-50 text-emerald-700",
  failed: "bg-red-50 text-red-700",
  cancelled: "bg-slate-100 text-slate-500",
  superseded: "bg-slate-100 text-slate-500",
  // Served, until a newer deployment went live.
  replaced: "bg-slate-100 text-slate-600",
};

export const statusLabel = (s: DeploymentState) => s.replace("_", " ");

/** A deployment's state; `data-status` carries the raw value for tests and styles. */
export function DeploymentStatus({ status, testId }: { status: DeploymentState; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status} className={`whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_TONE[status]}`}>
      {statusLabel(status)}
    </span>
  );
}

const CONTAINER_TONE: Record<string, string> = {
  running: "bg-emerald-50 text-emerald-700",
  created: "bg-slate-100 text-slate-700",
  restarting: "bg-amber-50 text-amber-700",
  paused: "bg-amber-50 text-amber-700",
  exited: "bg-red-50 text-red-700",
  dead: "bg-red-50 text-red-700",
};

export function ContainerState({ state }: { state: string }) {
  return (
    <span data-testid="container-state" className={`rounded-full px-2 py-0.5 text-xs font-medium ${CONTAINER_TONE[state] ?? "bg-slate-100 text-slate-600"}`}>
      {state}
    </span>
  );
}

/** How long something took, or has taken so far. */
export function duration(fromIso: string | null, toIso: string | null, now = Date.now()): string {
  if (!fromIso) return "—";
  const ms = Math.max(0, (toIso ? Date.parse(toIso) : now) - Date.parse(fromIso));
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** A reload failed but the page still shows what it had: say so, without taking the page away. */
export function StaleNote({ error }: { error: { message: string } }) {
  return (
    <p role="status" data-testid="stale-note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
      Could not refresh ({error.message}); showing what was loaded last and trying again.
    </p>
  );
}

/** Says a change started a deployment, with a link to follow it. */
export function StartedNote({ app, deployment }: { app: { team: string; name: string }; deployment: Deployment }) {
  return (
    <p className="text-sm text-slate-600" data-testid="started-deployment" data-deployment-id={deployment.id}>
      Deployment started{deployment.releaseVersion ? ` (v${deployment.releaseVersion})` : ""}:{" "}
      <Link href={deploymentHref(app.team, app.name, deployment.id)} className="font-medium text-indigo-600 hover:text-indigo-500">
        follow it
      </Link>
    </p>
  );
}

/** Apps / team [/ app]: the trail above an app's pages; `tab` picks the app page's section the app link opens. */
export function AppBreadcrumb({ team, app, tab }: { team: string; app?: string; tab?: string }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
      <Link href="/apps" className="font-medium text-indigo-600 hover:text-indigo-500">
        Apps
      </Link>
      <span aria-hidden> / </span>
      <span className="font-mono">{team}</span>
      {app && (
        <>
          <span aria-hidden> / </span>
          <Link href={`${appHref(team, app)}${tab ? `?tab=${tab}` : ""}`} className="font-medium text-indigo-600 hover:text-indigo-500">
            {app}
          </Link>
        </>
      )}
    </nav>
  );
}
