import { env } from "@/env";
import { requireUserPage } from "@/server/auth/session";
import { segment } from "../../../../segment";
import { TagView } from "./tag-view";

export const dynamic = "force-dynamic";

export default async function TagPage({ params }: { params: Promise<{ team: string; repo: string; tag: string }> }) {
  const p = await params;
  const [team, repo, tag] = [segment(p.team), segment(p.repo), segment(p.tag)];
  await requireUserPage(`/images/${encodeURIComponent(team)}/${encodeURIComponent(repo)}/tags/${encodeURIComponent(tag)}`);
  return <TagView team={team} repo={repo} tag={tag} registryHost={`127.0.0.1:${env().BERTH_REGISTRY_PORT}`} />;
}
