"use client";
import { isFinished } from "@berth/core";
import Link from "next/link";
import { useState } from "react";
import { ErrorNote, secondaryButton, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";
import { type Deployment, DeploymentStatus, deploymentHref, duration } from "../../parts";
import type { SectionProps } from "./app-view";

const KIND_LABEL: Record<Deployment["kind"], string> = { build: "build", image: "image", rollback: "rollback", config: "config change" };

export function DeploymentsSection({ app, tick, onChanged, can }: SectionProps) {
  const params = { team: app.team, app: app.name };
  const list = useApi(() => api("listDeployments", { params }), `deployments:${app.team}/${app.name}:${tick}`);
  useRetry(list);
  const [error, setError] = useState<string>();

  async function cancel(d: Deployment) {
    setError(undefined);
    try {
      await api("cancelDeployment", { params: { ...params, id: d.id } });
    } catch (err) {
      setError(describeError(err));
    }
    await onChanged();
  }

  return (
    <section aria-labelledby="deployments" className="space-y-3">
      <h2 id="deployments" className="text-lg font-semibold">
        Deployments
      </h2>
      {error && <ErrorNote testId="cancel-error">{error}</ErrorNote>}
      {list.error && <ErrorNote>{describeError(list.error)}</ErrorNote>}
      {!list.data && !list.error && <p className="text-sm text-slate-500">Loading…</p>}
      {list.data?.deployments.length === 0 && (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">No deployments yet.</p>
      )}
      {list.data && list.data.deployments.length > 0 && (
        <TableFrame testId="deployments-table">
          <thead className={theadClass}>
            <tr>
              <th className="px-4 py-3">Status</th>
              <th className="px-4 py-3">Deployment</th>
              <th className="px-4 py-3">Release</th>
              <th className="px-4 py-3">Image</th>
              <th className="px-4 py-3">Started</th>
              <th className="px-4 py-3">Took</th>
              <th className="px-4 py-3">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.data.deployments.map((d) => (
              <tr key={d.id} data-testid="deployment-row" data-id={d.id} data-status={d.status}>
                <td className="px-4 py-3">
                  <DeploymentStatus status={d.status} />
                  {d.reason && d.status !== "live" && (
                    <div className="mt-1 max-w-xs text-xs text-slate-500" title={d.reason}>
                      <span className="line-clamp-2">{d.reason}</span>
                    </div>
                  )}
                </td>
                <td className="px-4 py-3">
                  <Link href={deploymentHref(app.team, app.name, d.id)} className="font-mono text-xs font-medium text-indigo-600 hover:text-indigo-500">
                    {d.id.slice(0, 8)}
                  </Link>
                  <div className="text-xs text-slate-500">
                    {KIND_LABEL[d.kind]}
                    {d.createdBy ? ` by ${d.createdBy}` : ""}
                  </div>
                </td>
                <td className="px-4 py-3 tabular-nums">{d.releaseVersion ? `v${d.releaseVersion}` : <span className="text-slate-400">—</span>}</td>
                <td className="max-w-xs truncate px-4 py-3 font-mono text-xs" title={d.imageRef ?? undefined}>
                  {d.imageRef ?? <span className="text-slate-400">—</span>}
                </td>
                <td className="px-4 py-3 text-slate-500">
                  <When iso={d.createdAt} />
                </td>
                <td className="px-4 py-3 tabular-nums text-slate-500">{duration(d.startedAt ?? d.createdAt, d.finishedAt)}</td>
                <td className="px-4 py-3 text-right">
                  {can("apps.deploy") && !isFinished(d.status) && (
                    <button type="button" className={secondaryButton} onClick={() => cancel(d)} aria-label={`Cancel deployment ${d.id.slice(0, 8)}`}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </TableFrame>
      )}
    </section>
  );
}
