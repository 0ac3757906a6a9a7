"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import { card, ErrorNote, PageHeader, tableClass, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { formatBytes } from "@/lib/format";
import { useApi } from "@/lib/use-api";
import { CopyCommand, Digest, platform, repoHref } from "../../../../parts";

export function TagView({ team, repo, tag, registryHost }: { team: string; repo: string; tag: string; registryHost: string }) {
  const t = useApi(() => api("getTag", { params: { team, repo, tag } }), `tag:${team}/${repo}:${tag}`);
  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
      <Link href="/images" className="font-medium text-indigo-600 hover:text-indigo-500">
        Images
      </Link>
      <span aria-hidden> / </span>
      <Link href={repoHref(team, repo)} className="font-medium text-indigo-600 hover:text-indigo-500">
        {team}/{repo}
      </Link>
    </nav>
  );

  if (t.error) {
    const missing = t.error.code === "NOT_FOUND";
    return (
      <div className="max-w-3xl">
        {breadcrumb}
        <PageHeader title={missing ? "Tag not found" : `${team}/${repo}:${tag}`} />
        <ErrorNote>{missing ? `There is no tag “${tag}” in ${team}/${repo}, or you are not a member of ${team}.` : describeError(t.error)}</ErrorNote>
      </div>
    );
  }
  if (!t.data) return <p className="text-slate-500">Loading…</p>;
  const d = t.data;
  const multiPlatform = d.os === "multi";
  return (
    <div className="max-w-6xl space-y-8">
      <div>
        {breadcrumb}
        <PageHeader title={<span data-testid="tag-title">{`${team}/${repo}:${d.name}`}</span>} />
      </div>
      <section aria-labelledby="summary" className={`space-y-4 p-5 ${card}`}>
        <h2 id="summary" className="sr-only">
          Summary
        </h2>
        <dl className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <Fact label="Digest" wide>
            <span className="break-all font-mono text-xs" data-testid="tag-digest">
              {d.digest}
            </span>
          </Fact>
          <Fact label="Compressed size">
            <span data-testid="tag-size" title={`${d.sizeBytes} bytes`}>
              {formatBytes(d.sizeBytes)}
            </span>
          </Fact>
          <Fact label="OS/Arch">
            <span className="font-mono" data-testid="tag-platform">
              {platform(d)}
            </span>
          </Fact>
          <Fact label="Pulls">{d.pullCount}</Fact>
          <Fact label="Pushed">
            <When iso={d.pushedAt} />
            {d.pushedBy && <span className="text-slate-500"> by {d.pushedBy}</span>}
          </Fact>
          <Fact label="Last pulled">
            <When iso={d.lastPulledAt} empty="never" />
          </Fact>
        </dl>
        <CopyCommand label="pull command" command={`docker pull ${registryHost}/${team}/${repo}:${d.name}`} testId="pull-command" />
      </section>
      <section aria-labelledby="layers" className="space-y-3">
        <div>
          <h2 id="layers" className="text-lg font-semibold">
            Layers
          </h2>
          <p className="text-sm text-slate-500">Compressed as stored in the registry, in the order they are applied, each with the build step that made it.</p>
        </div>
        {d.layers.length === 0 ? (
          <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500" data-testid="no-layers">
            {multiPlatform
              ? "This tag is a multi-platform index: each platform's image has its own layers, which this page does not list."
              : "The registry no longer holds this tag's manifest, so its layers cannot be shown."}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className={tableClass} data-testid="layers-table">
              <thead className={theadClass}>
                <tr>
                  <th className="w-12 px-4 py-3 text-right">#</th>
                  <th className="w-28 px-4 py-3 text-right">Size</th>
                  <th className="w-44 px-4 py-3">Digest</th>
                  <th className="px-4 py-3">Command</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 align-top">
                {d.layers.map((l, i) => (
                  // The same blob may occur twice in one image; its position is what identifies the layer.
                  // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed for a loaded tag
                  <tr key={`${i}:${l.digest}`} data-testid="layer-row">
                    <td className="px-4 py-3 text-right tabular-nums text-slate-500">{i + 1}</td>
                    <td className="whitespace-nowrap px-4 py-3 text-right tabular-nums" data-testid="layer-size" title={`${l.size} bytes`}>
                      {formatBytes(l.size)}
                    </td>
                    <td className="px-4 py-3">
                      <Digest digest={l.digest} />
                    </td>
                    <td className="px-4 py-3">
                      {l.createdBy ? (
                        <code className="block whitespace-pre-wrap break-all font-mono text-xs text-slate-800" data-testid="layer-command">
                          {l.createdBy}
                        </code>
                      ) : (
                        <span className="text-slate-400">no build step recorded</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function Fact({ label, wide, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? "sm:col-span-2 lg:col-span-3" : undefined}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-slate-800">{children}</dd>
    </div>
  );
}
