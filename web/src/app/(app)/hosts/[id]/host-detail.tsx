"use client";
import type { hostDetail } from "@berth/core";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { z } from "zod";
import { Badge, card, ErrorNote, PageHeader, secondaryButton, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { formatAge, formatBytes } from "@/lib/format";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";
import { useSocket } from "@/lib/use-socket";
import { appHref, ContainerState, StaleNote } from "../../apps/parts";

type Detail = z.infer<typeof hostDetail>;
type Facts = Pick<Detail, "cpus" | "memoryBytes" | "freeMemoryBytes" | "dockerVersion" | "lastHeartbeatAt">;

export function HostDetail({ id, staleMs }: { id: string; staleMs: number }) {
  const detail = useApi(() => api("getHost", { params: { id } }), `host:${id}`);
  useRetry(detail);
  // Heartbeats bring fresh capacity figures between reloads of the whole page.
  const [facts, setFacts] = useState<Facts>();
  const [now, setNow] = useState(() => Date.now());

  useSocket("hosts", (socket) => {
    socket.on("host.updated", ({ host }) => {
      if (host.hostId !== id) return;
      setFacts({
        cpus: host.cpus,
        memoryBytes: host.memoryBytes,
        freeMemoryBytes: host.freeMemoryBytes,
        dockerVersion: host.dockerVersion,
        lastHeartbeatAt: host.lastHeartbeatAt,
      });
    });
  });
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  if (detail.error && !detail.data) {
    return (
      <div className="max-w-3xl">
        <Breadcrumb />
        <PageHeader title={id} />
        <ErrorNote>{detail.error.code === "NOT_FOUND" ? `There is no host “${id}”.` : describeError(detail.error)}</ErrorNote>
      </div>
    );
  }
  if (!detail.data) return <p className="text-slate-500">Loading…</p>;
  const h = { ...detail.data, ...(facts && Date.parse(facts.lastHeartbeatAt) > Date.parse(detail.data.lastHeartbeatAt) ? facts : {}) };
  const online = now - Date.parse(h.lastHeartbeatAt) <= staleMs;
  const status = !online ? "offline" : h.draining ? "draining" : "online";

  return (
    <div className="max-w-6xl space-y-8">
      {detail.error && <StaleNote error={detail.error} />}
      <div>
        <Breadcrumb />
        <div className="flex flex-wrap items-start justify-between gap-4">
          <PageHeader
            className=""
            title={
              <span className="flex flex-wrap items-center gap-3">
                <span data-testid="host-title">{h.id}</span>
                <span data-testid="host-status" data-status={status}>
                  <Badge tone={status === "online" ? "emerald" : status === "draining" ? "amber" : "red"}>{status}</Badge>
                </span>
              </span>
            }
          >
            <span className="text-sm">
              {h.hostname} · {h.address} · Docker {h.dockerVersion}
              {h.platform && <> · {h.platform}</>}
            </span>
          </PageHeader>
          <DrainButton id={h.id} draining={h.draining} onChanged={detail.reload} />
        </div>
      </div>
      <dl className={`grid gap-px overflow-hidden sm:grid-cols-4 ${card}`} data-testid="host-capacity">
        <Figure label="CPUs" value={String(h.cpus)} />
        <Figure label="Memory" value={formatBytes(h.memoryBytes)} />
        <Figure label="Free memory" value={formatBytes(h.freeMemoryBytes)} testId="host-free-memory" />
        <Figure label="Last heartbeat" value={formatAge(h.lastHeartbeatAt, now)} testId="host-heartbeat-age" />
      </dl>
      <Containers containers={h.containers} />
    </div>
  );
}

function Breadcrumb() {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
      <Link href="/hosts" className="font-medium text-indigo-600 hover:text-indigo-500">
        Hosts
      </Link>
    </nav>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="bg-white px-5 py-4">
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid={testId} suppressHydrationWarning>
        {value}
      </dd>
    </div>
  );
}

function DrainButton({ id, draining, onChanged }: { id: string; draining: boolean; onChanged: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function toggle() {
    setBusy(true);
    setError(undefined);
    try {
      await api("drainHost", { params: { id }, body: { draining: !draining } });
      await onChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="flex max-w-xs flex-col items-end gap-2">
      <button type="button" className={secondaryButton} onClick={toggle} disabled={busy} data-testid="host-drain">
        {draining ? "Undrain" : "Drain"}
      </button>
      <p className="text-right text-xs text-slate-500">
        {draining
          ? "No new replicas are placed here. Undrain to put it back in service."
          : "Draining moves its replicas to other hosts and places no new ones here."}
      </p>
      {error && <ErrorNote testId="drain-error">{error}</ErrorNote>}
    </div>
  );
}

function Containers({ containers }: { containers: Detail["containers"] }) {
  return (
    <section aria-labelledby="host-containers" className="space-y-3">
      <h2 id="host-containers" className="text-lg font-semibold">
        Containers
      </h2>
      {containers.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500" data-testid="host-containers">
          Berth runs no containers on this host.
        </p>
      ) : (
        <TableFrame testId="host-containers">
          <thead className={theadClass}>
            <tr>
              <th className="px-4 py-3">Team</th>
              <th className="px-4 py-3">App</th>
              <th className="px-4 py-3">Container</th>
              <th className="px-4 py-3">State</th>
              <th className="px-4 py-3">Port</th>
              <th className="px-4 py-3">Release</th>
              <th className="px-4 py-3">Changed</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {containers.map((c) => (
              <tr key={c.id} data-testid="container-row" data-state={c.state}>
                <td className="px-4 py-3 font-mono text-xs">{c.team}</td>
                <td className="px-4 py-3">
                  {c.appName ? (
                    <Link href={appHref(c.team, c.appName)} className="font-medium text-indigo-600 hover:text-indigo-500">
                      {c.appName}
                    </Link>
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </td>
                <td className="px-4 py-3 font-mono text-xs">{c.name}</td>
                <td className="px-4 py-3">
                  <ContainerState state={c.state} />
                </td>
                <td className="px-4 py-3 font-mono text-xs tabular-nums">{c.hostPort ?? "—"}</td>
                <td className="px-4 py-3 tabular-nums">{c.releaseVersion ? `v${c.releaseVersion}` : "—"}</td>
                <td className="px-4 py-3 text-slate-500">
                  <When iso={c.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableFrame>
      )}
    </section>
  );
}
