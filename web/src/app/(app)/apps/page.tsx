import { PageHeader } from "@/components/ui";
import { requireUserPage } from "@/server/auth/session";
import { AppsView } from "./apps-view";

export const dynamic = "force-dynamic";

export default async function AppsPage() {
  await requireUserPage("/apps");
  return (
    <div className="max-w-6xl">
      <PageHeader title="Apps">The apps your teams run on Berth's hosts: what is live, and where.</PageHeader>
      <AppsView />
    </div>
  );
}
