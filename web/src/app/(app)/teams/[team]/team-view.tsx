"use client";
import { roleHas, type teamSummary } from "@berth/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { z } from "zod";
import { ConfirmButton } from "@/components/confirm-button";
import { Badge, ErrorNote, PageHeader, RoleBadge } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { Invitations } from "./invitations";
import { Members } from "./members";
import { Registries } from "./registries";
import { Webhooks } from "./webhooks";

export type Team = z.infer<typeof teamSummary>;

export function TeamView({ slug, meId }: { slug: string; meId: string }) {
  const team = useApi(() => api("getTeam", { params: { team: slug } }), slug);

  if (team.error) {
    const missing = team.error.code === "NOT_FOUND";
    return (
      <div className="max-w-3xl">
        <PageHeader title={missing ? "Team not found" : "Team"} />
        <ErrorNote>{missing ? `There is no team “${slug}”, or you are not a member of it.` : describeError(team.error)}</ErrorNote>
        <Link href="/teams" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">
          Back to your teams
        </Link>
      </div>
    );
  }
  if (!team.data) return <p className="text-slate-500">Loading…</p>;
  const t = team.data;
  return (
    <div className="max-w-5xl space-y-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeader title={t.name} className="">
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-sm">{t.slug}</span>
            {t.personal && <Badge>personal namespace</Badge>}
            <span className="text-sm">Your role:</span>
            <span data-testid="my-role">
              <RoleBadge role={t.role} />
            </span>
          </span>
        </PageHeader>
        <div className="flex items-center gap-3">
          {roleHas(t.role, "audit.read") && (
            <Link href={`/teams/${encodeURIComponent(t.slug)}/audit`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
              Audit log
            </Link>
          )}
          {!t.personal && <LeaveTeam team={t} />}
        </div>
      </div>
      <Members team={t} meId={meId} />
      {!t.personal && roleHas(t.role, "invitations.manage") && <Invitations team={t} />}
      {roleHas(t.role, "webhooks.manage") && <Webhooks team={t} />}
      {roleHas(t.role, "team.update") && <Registries team={t} />}
    </div>
  );
}

function LeaveTeam({ team }: { team: Team }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  return (
    <div className="flex flex-col items-end gap-2">
      <ConfirmButton
        label="Leave team"
        question={`Leave ${team.name}?`}
        confirmLabel="Yes, leave"
        onConfirm={async () => {
          try {
            await api("leaveTeam", { params: { team: team.slug } });
            router.push("/teams");
            router.refresh();
          } catch (err) {
            setError(describeError(err));
          }
        }}
      />
      {error && <ErrorNote testId="leave-error">{error}</ErrorNote>}
    </div>
  );
}
