import { PageHeader } from "@/components/ui";
import { env } from "@/env";
import { requireUserPage } from "@/server/auth/session";
import { ImagesView } from "./images-view";

export const dynamic = "force-dynamic";

export default async function ImagesPage() {
  await requireUserPage("/images");
  return (
    <div className="max-w-5xl">
      <PageHeader title="Images">The container images your teams keep in Berth's registry, and the public ones anyone here can pull.</PageHeader>
      <ImagesView registryHost={`127.0.0.1:${env().BERTH_REGISTRY_PORT}`} />
    </div>
  );
}
