"use client";
import { useCallback } from "react";
import { AuditTable } from "@/components/audit-table";
import { api } from "@/lib/api-client";

export function TeamAudit({ slug }: { slug: string }) {
  const load = useCallback((before?: string) => api("teamAudit", { params: { team: slug }, query: { limit: 100, before } }), [slug]);
  return <AuditTable load={load} />;
}
