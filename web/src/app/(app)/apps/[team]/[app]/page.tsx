import { requireUserPage } from "@/server/auth/session";
import { segment } from "../../../images/segment";
import { AppView } from "./app-view";
import { isTab, type Tab } from "./tabs";

export const dynamic = "force-dynamic";

export default async function AppPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string; app: string }>;
  searchParams: Promise<{ tab?: string | string[] }>;
}) {
  const p = await params;
  const team = segment(p.team);
  const app = segment(p.app);
  const user = await requireUserPage(`/apps/${encodeURIComponent(team)}/${encodeURIComponent(app)}`);
  const { tab } = await searchParams;
  const current: Tab = typeof tab === "string" && isTab(tab) ? tab : "deployments";
  return <AppView team={team} app={app} tab={current} isAdmin={user.role === "admin"} />;
}
