"use client";
import { useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { Badge, ErrorNote, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";
import { Digest } from "../../../images/parts";
import { type Deployment, type Release, StartedNote } from "../../parts";
import type { SectionProps } from "./app-view";

export function ReleasesSection({ app, tick, onChanged, can }: SectionProps) {
  const params = { team: app.team, app: app.name };
  const list = useApi(() => api("listReleases", { params }), `releases:${app.team}/${app.name}:${tick}`);
  useRetry(list);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<Deployment>();

  async function rollback(r: Release) {
    setError(undefined);
    try {
      setStarted(await api("rollback", { params: { ...params, version: String(r.version) } }));
    } catch (err) {
      setError(describeError(err));
    }
    await onChanged();
  }

  const live = list.data?.liveVersion ?? null;
  return (
    <section aria-labelledby="releases" className="space-y-3">
      <div>
        <h2 id="releases" className="text-lg font-semibold">
          Releases
        </h2>
        <p className="text-sm text-slate-500">
          Each release freezes an image with the config and environment it ran with. Rolling back starts an earlier one again, without a rebuild.
        </p>
      </div>
      {started && <StartedNote app={app} deployment={started} />}
      {error && <ErrorNote testId="rollback-error">{error}</ErrorNote>}
      {list.error && <ErrorNote>{describeError(list.error)}</ErrorNote>}
      {!list.data && !list.error && <p className="text-sm text-slate-500">Loading…</p>}
      {list.data?.releases.length === 0 && (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">No releases yet: the first deployment makes one.</p>
      )}
      {list.data && list.data.releases.length > 0 && (
        <TableFrame testId="releases-table">
          <thead className={theadClass}>
            <tr>
              <th className="px-4 py-3">Version</th>
              <th className="px-4 py-3">Image</th>
              <th className="px-4 py-3">Digest</th>
              <th className="px-4 py-3">Environment</th>
              <th className="px-4 py-3">Created</th>
              <th className="px-4 py-3">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.data.releases.map((r) => (
              <tr key={r.id} data-testid="release-row" data-version={r.version} data-live={r.version === live}>
                <td className="whitespace-nowrap px-4 py-3">
                  <span className="font-medium tabular-nums">v{r.version}</span>{" "}
                  {r.version === live && (
                    <span data-testid="release-live">
                      <Badge tone="emerald">live</Badge>
                    </span>
                  )}
                </td>
                <td className="max-w-xs truncate px-4 py-3 font-mono text-xs" title={r.imageRef}>
                  {r.imageRef}
                </td>
                <td className="px-4 py-3">{r.digest ? <Digest digest={r.digest} /> : <span className="text-slate-400">—</span>}</td>
                <td className="max-w-xs px-4 py-3 font-mono text-xs text-slate-600" data-testid="release-env-keys">
                  {r.envKeys.length > 0 ? r.envKeys.join(", ") : <span className="font-sans text-slate-400">none</span>}
                </td>
                <td className="px-4 py-3 text-slate-500">
                  <When iso={r.createdAt} />
                  {r.createdBy && <div className="text-xs">by {r.createdBy}</div>}
                </td>
                <td className="px-4 py-3 text-right">
                  {can("apps.deploy") && r.version !== live && (
                    <ConfirmButton
                      label="Roll back"
                      ariaLabel={`Roll back to v${r.version}`}
                      question={`Roll back to v${r.version}?`}
                      confirmLabel="Yes, roll back"
                      onConfirm={() => rollback(r)}
                    />
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
