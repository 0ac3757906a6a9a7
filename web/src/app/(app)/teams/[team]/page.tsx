import { requireUserPage } from "@/server/auth/session";
import { TeamView } from "./team-view";

export const dynamic = "force-dynamic";

export default async function TeamPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const user = await requireUserPage(`/teams/${team}`);
  return <TeamView slug={team} meId={user.id} />;
}
