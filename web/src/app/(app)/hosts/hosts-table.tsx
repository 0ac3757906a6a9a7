"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { formatAge, formatBytes } from "@/lib/format";
import { useSocket } from "@/lib/use-socket";
import type { HostView } from "@/server/hosts/list-hosts";

/** `linkToDetail`: host pages list every team's containers, so only instance admins get links to them. */
export function HostsTable({ initial, staleMs, linkToDetail = false }: { initial: HostView[]; staleMs: number; linkToDetail?: boolean }) {
  const [hosts, setHosts] = useState(initial);
  const [now, setNow] = useState(() => Date.now());

  useSocket("hosts", (socket) => {
    socket.on("host.updated", ({ host }) => {
      setHosts((prev) => {
        const next: HostView = {
          id: host.hostId,
          hostname: host.hostname,
          dockerVersion: host.dockerVersion,
          platform: host.platform ?? null,
          cpus: host.cpus,
          memoryBytes: host.memoryBytes,
          freeMemoryBytes: host.freeMemoryBytes,
          address: host.address,
          draining: prev.find((h) => h.id === host.hostId)?.draining ?? false,
          lastHeartbeatAt: host.lastHeartbeatAt,
          online: true,
        };
        const rest = prev.filter((h) => h.id !== host.hostId);
        return [...rest, next].sort((a, b) => a.id.localeCompare(b.id));
      });
    });
  });

  // Re-evaluate "online" and the ages as time passes, without asking the server.
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  if (hosts.length === 0) {
    return (
      <p className="mt-8 rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500">
        No host has registered yet. Start a runtime-host (npm run up starts one on this machine).
      </p>
    );
  }
  return (
    <table className="mt-6 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm" data-testid="hosts-table">
      <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
        <tr>
          <th className="px-4 py-3">Host</th>
          <th className="px-4 py-3">Status</th>
          <th className="px-4 py-3">Docker</th>
          <th className="px-4 py-3">CPUs</th>
          <th className="px-4 py-3">Memory (free / total)</th>
          <th className="px-4 py-3">Last heartbeat</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {hosts.map((h) => {
          const online = now - new Date(h.lastHeartbeatAt).getTime() <= staleMs;
          return (
            <tr key={h.id} data-host-id={h.id}>
              <td className="px-4 py-3">
                <div className="font-medium">
                  {linkToDetail ? (
                    <Link href={`/hosts/${encodeURIComponent(h.id)}`} className="text-indigo-600 hover:text-indigo-500">
                      {h.id}
                    </Link>
                  ) : (
                    h.id
                  )}
                </div>
                <div className="text-xs text-slate-500">
                  {h.hostname} · {h.address}
                </div>
              </td>
              <td className="px-4 py-3">
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${online ? "bg-emerald-50 text-emerald-700" : "bg-red-50 text-red-700"}`}>
                  {online ? (h.draining ? "draining" : "online") : "offline"}
                </span>
              </td>
              <td className="px-4 py-3 font-mono text-xs">{h.dockerVersion}</td>
              <td className="px-4 py-3">{h.cpus}</td>
              <td className="px-4 py-3">
                {formatBytes(h.freeMemoryBytes)} / {formatBytes(h.memoryBytes)}
              </td>
              <td className="px-4 py-3 text-slate-500" suppressHydrationWarning>
                {formatAge(h.lastHeartbeatAt, now)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
