import { PageHeader } from "@/components/ui";
import { requireUserPage } from "@/server/auth/session";
import { TokensView } from "./tokens-view";

export const dynamic = "force-dynamic";

export default async function TokensPage() {
  await requireUserPage("/tokens");
  return (
    <div className="max-w-6xl">
      <PageHeader title="Access tokens">
        Tokens let the CLI, CI jobs and <span className="font-mono text-sm">docker login</span> act as you, limited to the scopes you choose.
      </PageHeader>
      <TokensView />
    </div>
  );
}
