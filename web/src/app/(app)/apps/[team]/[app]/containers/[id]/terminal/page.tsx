import { requireUserPage } from "@/server/auth/session";
import { segment } from "../../../../../../images/segment";
import { TerminalView } from "./terminal-view";

export const dynamic = "force-dynamic";

export default async function TerminalPage({ params }: { params: Promise<{ team: string; app: string; id: string }> }) {
  const p = await params;
  const team = segment(p.team);
  const app = segment(p.app);
  const id = segment(p.id);
  await requireUserPage(`/apps/${encodeURIComponent(team)}/${encodeURIComponent(app)}/containers/${encodeURIComponent(id)}/terminal`);
  return <TerminalView team={team} app={app} id={id} />;
}
