import { PageHeader } from "@/components/ui";
import { requireUserPage } from "@/server/auth/session";
import { TeamsView } from "./teams-view";

export const dynamic = "force-dynamic";

export default async function TeamsPage() {
  await requireUserPage("/teams");
  return (
    <div className="max-w-4xl">
      <PageHeader title="Teams">Your personal namespace and the teams you belong to, with your role in each.</PageHeader>
      <TeamsView />
    </div>
  );
}
