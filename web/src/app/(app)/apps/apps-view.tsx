"use client";
import { ROOMS, roleHas, type teamSummary } from "@berth/core";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { ErrorNote, inputClass, primaryButton, RoleBadge, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";
import { useSocket } from "@/lib/use-socket";
import { type App, appHref, DeploymentStatus } from "./parts";

type Team = z.infer<typeof teamSummary>;
const ALL = "";

export function AppsView() {
  const teams = useApi(() => api("listTeams"), "teams");
  useRetry(teams);
  const [picked, setPicked] = useState(ALL);
  // The personal namespace first, then teams by name (as on the images page).
  const sorted = teams.data?.teams.slice().sort((a, b) => Number(b.personal) - Number(a.personal) || a.name.localeCompare(b.name));
  const shown = sorted?.filter((t) => picked === ALL || t.slug === picked);
  const canCreate = sorted?.some((t) => roleHas(t.role, "apps.write"));
  const live = useTeamEvents(shown ?? [], teams.reload);

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <label className="block w-64">
          <span className="text-sm font-medium text-slate-700">Team</span>
          <select className={inputClass} value={picked} onChange={(e) => setPicked(e.target.value)} data-testid="team-picker">
            <option value={ALL}>All your teams</option>
            {sorted?.map((t) => (
              <option key={t.id} value={t.slug}>
                {t.personal ? `${t.slug} (personal)` : t.name}
              </option>
            ))}
          </select>
        </label>
        {canCreate && (
          <Link href={picked ? `/apps/new?team=${encodeURIComponent(picked)}` : "/apps/new"} className={primaryButton}>
            New app
          </Link>
        )}
      </div>
      {teams.error && <ErrorNote>{describeError(teams.error)}</ErrorNote>}
      {!teams.data && !teams.error && <p className="text-slate-500">Loading…</p>}
      {shown?.map((t) => (
        <TeamApps key={t.id} team={t} version={live.versions[t.slug] ?? 0} onApps={live.register} />
      ))}
    </div>
  );
}

/**
 * Live lists: one socket joined to the shown teams' rooms. A deployment or container event
 * reloads the list of the team that owns the app (every list when the app is new to the page),
 * and a reconnect reloads everything, since events sent meanwhile are lost.
 */
function useTeamEvents(teams: readonly Team[], reloadTeams: () => Promise<void>) {
  const [versions, setVersions] = useState<Record<string, number>>({});
  const owner = useRef(new Map<string, string>());
  const slugs = useRef<string[]>([]);
  slugs.current = teams.map((t) => t.slug);
  const bump = (only?: string) =>
    setVersions((v) => {
      const next = { ...v };
      for (const slug of only ? [only] : slugs.current) next[slug] = (next[slug] ?? 0) + 1;
      return next;
    });
  useSocket(
    teams.map((t) => ROOMS.team(t.id)),
    (socket, { onReconnect }) => {
      const onApp = (e: { appId: string }) => bump(owner.current.get(e.appId));
      socket.on("deployment.updated", onApp);
      socket.on("container.updated", onApp);
      onReconnect(() => {
        void reloadTeams();
        bump();
      });
    },
  );
  const register = (slug: string, appIds: readonly string[]) => {
    for (const id of appIds) owner.current.set(id, slug);
  };
  return { versions, register };
}

function TeamApps({ team, version, onApps }: { team: Team; version: number; onApps: (slug: string, appIds: readonly string[]) => void }) {
  const apps = useApi(() => api("listApps", { params: { team: team.slug } }), `apps:${team.slug}:${version}`);
  useRetry(apps);
  const ids = apps.data?.apps.map((a) => a.id).join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ids` stands for the list's app ids
  useEffect(() => {
    if (apps.data)
      onApps(
        team.slug,
        apps.data.apps.map((a) => a.id),
      );
  }, [ids, team.slug]);
  const headingId = `team-apps-${team.slug}`;
  return (
    <section aria-labelledby={headingId} data-testid={`team-apps-${team.slug}`} className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id={headingId} className="font-medium">
          {team.name}
        </h2>
        {team.name !== team.slug && <span className="font-mono text-sm text-slate-500">{team.slug}</span>}
        {team.personal && <span className="text-xs text-slate-500">(personal namespace)</span>}
        <RoleBadge role={team.role} />
      </div>
      {apps.error && <ErrorNote>{describeError(apps.error)}</ErrorNote>}
      {!apps.data && !apps.error && <p className="text-sm text-slate-500">Loading…</p>}
      {apps.data && apps.data.apps.length === 0 && (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">
          No apps yet.
          {roleHas(team.role, "apps.write") && (
            <>
              {" "}
              <Link href={`/apps/new?team=${encodeURIComponent(team.slug)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                Create one
              </Link>{" "}
              from an image, or deploy from source with the CLI.
            </>
          )}
        </p>
      )}
      {apps.data && apps.data.apps.length > 0 && <AppTable apps={apps.data.apps} />}
    </section>
  );
}

function AppTable({ apps }: { apps: App[] }) {
  return (
    <TableFrame testId="apps-table">
      <thead className={theadClass}>
        <tr>
          <th className="px-4 py-3">App</th>
          <th className="px-4 py-3">Status</th>
          <th className="px-4 py-3">Live</th>
          <th className="px-4 py-3">URL</th>
          <th className="px-4 py-3">Last deploy</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {apps.map((a) => (
          <tr key={a.id} data-testid="app-row" data-app={`${a.team}/${a.name}`}>
            <td className="px-4 py-3">
              <Link href={appHref(a.team, a.name)} className="font-medium text-indigo-600 hover:text-indigo-500">
                {a.name}
              </Link>
              <div className="mt-0.5 max-w-xs truncate font-mono text-xs text-slate-500" title={a.imageRef ?? undefined}>
                {a.sourceType === "git" ? "from source" : (a.imageRef ?? "no image yet")}
              </div>
            </td>
            <td className="px-4 py-3">
              {a.latestDeployment ? (
                <DeploymentStatus status={a.latestDeployment.status} testId="app-status" />
              ) : (
                <span className="text-slate-400">never deployed</span>
              )}
            </td>
            <td className="px-4 py-3 tabular-nums" data-testid="app-live-version">
              {a.liveRelease ? `v${a.liveRelease.version}` : <span className="text-slate-400">—</span>}
            </td>
            <td className="px-4 py-3">
              <a href={a.url} target="_blank" rel="noreferrer" className="break-all font-mono text-xs text-indigo-600 hover:text-indigo-500">
                {a.url}
              </a>
            </td>
            <td className="px-4 py-3 text-slate-500">
              <When iso={a.latestDeployment?.createdAt} empty="never" />
            </td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
