import { PageHeader } from "@/components/ui";
import { env } from "@/env";
import { requireUserPage } from "@/server/auth/session";
import { NewAppForm } from "./new-app-form";

export const dynamic = "force-dynamic";

export default async function NewAppPage({ searchParams }: { searchParams: Promise<{ team?: string | string[] }> }) {
  await requireUserPage("/apps/new");
  const { team } = await searchParams;
  return (
    <div className="max-w-5xl">
      <PageHeader title="New app">
        Run an image on your hosts, behind its own address: from Berth's registry, Docker Hub (postgres:16) or another registry.
      </PageHeader>
      <NewAppForm registryHost={`127.0.0.1:${env().BERTH_REGISTRY_PORT}`} initialTeam={typeof team === "string" ? team : undefined} />
    </div>
  );
}
