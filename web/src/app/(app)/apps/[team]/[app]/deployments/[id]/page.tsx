import { requireUserPage } from "@/server/auth/session";
import { segment } from "../../../../../images/segment";
import { DeploymentView } from "./deployment-view";

export const dynamic = "force-dynamic";

export default async function DeploymentPage({ params }: { params: Promise<{ team: string; app: string; id: string }> }) {
  const p = await params;
  const team = segment(p.team);
  const app = segment(p.app);
  const id = segment(p.id);
  await requireUserPage(`/apps/${encodeURIComponent(team)}/${encodeURIComponent(app)}/deployments/${encodeURIComponent(id)}`);
  return <DeploymentView team={team} app={app} id={id} />;
}
