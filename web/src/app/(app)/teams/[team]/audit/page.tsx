import Link from "next/link";
import { PageHeader } from "@/components/ui";
import { requireUserPage } from "@/server/auth/session";
import { TeamAudit } from "./team-audit";

export const dynamic = "force-dynamic";

export default async function TeamAuditPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  await requireUserPage(`/teams/${team}/audit`);
  return (
    <div className="max-w-6xl">
      <Link href={`/teams/${team}`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
        ← {team}
      </Link>
      <PageHeader title="Audit log">Who did what in this team, newest first. Visible to the team's admins and owners.</PageHeader>
      <TeamAudit slug={team} />
    </div>
  );
}
