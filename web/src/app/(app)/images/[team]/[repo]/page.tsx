import { requireUserPage } from "@/server/auth/session";
import { segment } from "../../segment";
import { RepositoryView } from "./repository-view";

export const dynamic = "force-dynamic";

export default async function RepositoryPage({ params }: { params: Promise<{ team: string; repo: string }> }) {
  const p = await params;
  const team = segment(p.team);
  const repo = segment(p.repo);
  await requireUserPage(`/images/${encodeURIComponent(team)}/${encodeURIComponent(repo)}`);
  return <RepositoryView team={team} repo={repo} />;
}
