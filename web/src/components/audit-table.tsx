"use client";
// An audit log, newest first, a page at a time: for one team or for the whole instance.
import type { auditEvent } from "@berth/core";
import { useCallback, useEffect, useState } from "react";
import type { z } from "zod";
import { describeError } from "@/lib/api-client";
import { ErrorNote, secondaryButton, TableFrame, theadClass, When } from "./ui";

type AuditEvent = z.infer<typeof auditEvent>;
const PAGE = 100;

export function AuditTable({ load, showTeam = false }: { load: (before?: string) => Promise<{ events: AuditEvent[] }>; showTeam?: boolean }) {
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [more, setMore] = useState(false);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<string>();

  const fetchPage = useCallback(
    async (before?: string) => {
      setBusy(true);
      try {
        const { events: page } = await load(before);
        setEvents((prev) => (before ? [...prev, ...page] : page));
        setMore(page.length === PAGE);
        setError(undefined);
      } catch (err) {
        setError(describeError(err));
      } finally {
        setBusy(false);
      }
    },
    [load],
  );

  useEffect(() => {
    void fetchPage();
  }, [fetchPage]);

  if (error && events.length === 0) return <ErrorNote testId="audit-error">{error}</ErrorNote>;
  if (busy && events.length === 0) return <p className="text-slate-500">Loading…</p>;
  if (events.length === 0) return <p className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500">Nothing recorded yet.</p>;

  return (
    <div>
      <TableFrame testId="audit-table">
        <thead className={theadClass}>
          <tr>
            <th className="px-4 py-3">When</th>
            {showTeam && <th className="px-4 py-3">Team</th>}
            <th className="px-4 py-3">Who</th>
            <th className="px-4 py-3">Action</th>
            <th className="px-4 py-3">Target</th>
            <th className="px-4 py-3">Address</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((e) => (
            <tr key={e.id}>
              <td className="whitespace-nowrap px-4 py-2 text-slate-500">
                <When iso={e.createdAt} />
              </td>
              {showTeam && <td className="whitespace-nowrap px-4 py-2">{e.teamSlug ?? <span className="text-slate-400">—</span>}</td>}
              <td className="whitespace-nowrap px-4 py-2">{e.actor ?? <span className="text-slate-400">anonymous</span>}</td>
              <td className="px-4 py-2 font-mono text-xs">{e.action}</td>
              <td className="px-4 py-2">
                <div className="max-w-56 truncate" title={e.target ?? undefined}>
                  {e.target ?? <span className="text-slate-400">—</span>}
                </div>
              </td>
              <td className="px-4 py-2 font-mono text-xs text-slate-500">{e.ipAddress ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
      {error && <ErrorNote testId="audit-error">{error}</ErrorNote>}
      {more && (
        <button type="button" disabled={busy} className={`${secondaryButton} mt-4`} onClick={() => fetchPage(events.at(-1)?.createdAt)}>
          {busy ? "Loading…" : "Load older events"}
        </button>
      )}
    </div>
  );
}
