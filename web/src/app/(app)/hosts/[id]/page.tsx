import { ErrorNote, PageHeader } from "@/components/ui";
import { env } from "@/env";
import { requireUserPage } from "@/server/auth/session";
import { segment } from "../../images/segment";
import { HostDetail } from "./host-detail";

export const dynamic = "force-dynamic";

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const id = segment((await params).id);
  const user = await requireUserPage(`/hosts/${encodeURIComponent(id)}`);
  if (user.role !== "admin") {
    // A host runs every team's containers; its page is for instance admins.
    return (
      <div className="max-w-3xl">
        <PageHeader title={id} />
        <ErrorNote>Only instance administrators can see a host's containers.</ErrorNote>
      </div>
    );
  }
  return <HostDetail id={id} staleMs={env().BERTH_HOST_STALE_MS} />;
}
