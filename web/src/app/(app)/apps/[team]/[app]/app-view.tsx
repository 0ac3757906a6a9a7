"use client";
import { isFinished, ROOMS, type Role, roleHas } from "@berth/core";
import Link from "next/link";
import { useState } from "react";
import { ErrorNote, PageHeader, primaryButton } from "@/components/ui";
import { type ApiError, api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";
import { useSocket } from "@/lib/use-socket";
import { type App, AppBreadcrumb, appHref, type Deployment, DeploymentStatus, deploymentHref, StaleNote, StartedNote } from "../../parts";
import { AppNotes } from "./app-notes";
import { ContainersSection } from "./containers-section";
import { DeploymentsSection } from "./deployments-section";
import { DomainsSection } from "./domains-section";
import { EnvironmentSection } from "./environment-section";
import { GitPushCommands } from "./git-push-commands";
import { LogsSection } from "./logs-section";
import { MetricsSection } from "./metrics-section";
import { ReleasesSection } from "./releases-section";
import { RunSection } from "./run-section";
import { SettingsSection } from "./settings-section";
import { TABS, type Tab } from "./tabs";

export function AppView({ team, app, tab, isAdmin }: { team: string; app: string; tab: Tab; isAdmin: boolean }) {
  const detail = useApi(() => api("getApp", { params: { team, app } }), `app:${team}/${app}`);
  // The app answer carries no role; the team's tells which controls to offer.
  const membership = useApi(() => api("getTeam", { params: { team } }), `team:${team}`);
  useRetry(detail);
  useRetry(membership);

  if (detail.error && !detail.data) {
    const missing = detail.error.code === "NOT_FOUND";
    return (
      <div className="max-w-3xl">
        <AppBreadcrumb team={team} />
        <PageHeader title={missing ? "App not found" : `${team}/${app}`} />
        <ErrorNote>{missing ? `There is no app “${app}” in ${team}, or you are not a member of ${team}.` : describeError(detail.error)}</ErrorNote>
      </div>
    );
  }
  // Wait for the role too, so controls do not pop in after the page has drawn.
  if (!detail.data || (!membership.data && !membership.error)) return <p className="text-slate-500">Loading…</p>;
  return (
    <LoadedApp key={detail.data.id} app={detail.data} reload={detail.reload} role={membership.data?.role} tab={tab} isAdmin={isAdmin} stale={detail.error} />
  );
}

export type SectionProps = {
  app: App;
  /** Bumped whenever the app's deployments or containers may have changed: sections reload on it. */
  tick: number;
  /** After a change made on the page: reloads the app and every section. */
  onChanged: () => Promise<void>;
  can: (permission: Parameters<typeof roleHas>[1]) => boolean;
  isAdmin: boolean;
};

type LoadedProps = { app: App; reload: () => Promise<void>; role: Role | undefined; tab: Tab; isAdmin: boolean; stale: ApiError | undefined };

function LoadedApp({ app, reload, role, tab, isAdmin, stale }: LoadedProps) {
  const [tick, setTick] = useState(0);
  const refresh = async () => {
    setTick((t) => t + 1);
    await reload();
  };

  useSocket(ROOMS.app(app.id), (socket, { onReconnect }) => {
    // The events say what changed; the page reads the details through the API.
    socket.on("deployment.updated", (e) => {
      if (e.appId === app.id) void refresh();
    });
    // Created, changed state, or "removed" (old replicas retired after a deploy).
    socket.on("container.updated", (e) => {
      if (e.appId === app.id) setTick((t) => t + 1);
    });
    // Whatever changed while the socket was away sent its events into the void: read everything once.
    onReconnect(() => void refresh());
  });

  const can = (permission: Parameters<typeof roleHas>[1]) => role !== undefined && roleHas(role, permission);
  const props: SectionProps = { app, tick, onChanged: refresh, can, isAdmin };

  return (
    <div className="max-w-6xl space-y-6">
      {stale && <StaleNote error={stale} />}
      <Header app={app} canDeploy={can("apps.deploy")} onDeployed={refresh} />
      <AppNotes team={app.team} app={app.name} />
      <nav aria-label="App sections" className="flex flex-wrap gap-1 border-b border-slate-200">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={`${appHref(app.team, app.name)}?tab=${t.id}`}
            scroll={false}
            aria-current={t.id === tab ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
              t.id === tab ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:text-slate-800"
            }`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === "deployments" && app.sourceType === "git" && can("apps.deploy") && <GitPushCommands app={app} />}
      {tab === "deployments" && <DeploymentsSection {...props} />}
      {tab === "logs" && <LogsSection {...props} />}
      {tab === "metrics" && <MetricsSection {...props} />}
      {tab === "releases" && <ReleasesSection {...props} />}
      {tab === "environment" && <EnvironmentSection {...props} />}
      {tab === "settings" && <SettingsSection {...props} />}
      {tab === "domains" && <DomainsSection {...props} />}
      {tab === "containers" && <ContainersSection {...props} />}
      {tab === "run" && <RunSection {...props} />}
    </div>
  );
}

function Header({ app, canDeploy, onDeployed }: { app: App; canDeploy: boolean; onDeployed: () => Promise<void> }) {
  const latest = app.latestDeployment;
  return (
    <div>
      <AppBreadcrumb team={app.team} />
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeader
          className=""
          title={
            <span className="flex flex-wrap items-center gap-3">
              <span data-testid="app-title">{app.name}</span>
              {latest ? (
                <DeploymentStatus status={latest.status} testId="current-deployment-status" />
              ) : (
                <span
                  data-testid="current-deployment-status"
                  data-status="none"
                  className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-500"
                >
                  never deployed
                </span>
              )}
            </span>
          }
        >
          <span className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
            <a href={app.url} target="_blank" rel="noreferrer" data-testid="app-url" className="font-mono text-indigo-600 hover:text-indigo-500">
              {app.url}
            </a>
            <span>
              Live:{" "}
              {app.liveRelease ? (
                <span data-testid="live-release" data-version={app.liveRelease.version} className="font-medium text-slate-800">
                  v{app.liveRelease.version}
                </span>
              ) : (
                <span data-testid="live-release" data-version="" className="text-slate-400">
                  no live release
                </span>
              )}
            </span>
            <span className="max-w-md truncate font-mono text-xs" title={app.liveRelease?.imageRef ?? app.imageRef ?? undefined}>
              {app.liveRelease?.imageRef ?? app.imageRef ?? (app.sourceType === "git" ? "built from source" : "no image")}
            </span>
          </span>
        </PageHeader>
        {canDeploy && <DeployButton app={app} onDeployed={onDeployed} />}
      </div>
      {latest && <LatestNote app={app} latest={latest} />}
    </div>
  );
}

function LatestNote({ app, latest }: { app: App; latest: Deployment }) {
  const href = deploymentHref(app.team, app.name, latest.id);
  if (latest.status === "failed") {
    return (
      <p className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="latest-deployment-reason">
        The last deployment failed{latest.reason ? `: ${latest.reason}` : "."}{" "}
        <Link href={href} className="font-medium underline">
          See its log
        </Link>
      </p>
    );
  }
  if (isFinished(latest.status)) return null;
  return (
    <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="latest-deployment-progress">
      Deploying{latest.releaseVersion ? ` v${latest.releaseVersion}` : ""}: {latest.status.replace("_", " ")}.{" "}
      <Link href={href} className="font-medium underline">
        Follow the log
      </Link>
    </p>
  );
}

function DeployButton({ app, onDeployed }: { app: App; onDeployed: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<Deployment>();
  if (!app.imageRef) {
    return (
      <p className="max-w-xs text-sm text-slate-500">
        Deploy a new build with <span className="font-mono">{`berth deploy ${app.team}/${app.name} --dir .`}</span>
      </p>
    );
  }
  async function deploy() {
    setBusy(true);
    setError(undefined);
    try {
      setStarted(await api("createDeployment", { params: { team: app.team, app: app.name }, body: {} }));
      await onDeployed();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="flex flex-col items-end gap-2">
      <button type="button" className={primaryButton} onClick={deploy} disabled={busy}>
        {busy ? "Deploying…" : "Deploy"}
      </button>
      {/* Until a newer deployment (a settings change, a rollback) takes over the header. */}
      {started && (!app.latestDeployment || started.createdAt >= app.latestDeployment.createdAt) && <StartedNote app={app} deployment={started} />}
      {error && <ErrorNote testId="deploy-error">{error}</ErrorNote>}
    </div>
  );
}
