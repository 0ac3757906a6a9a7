import { env } from "@/env";
import { requireUserPage } from "@/server/auth/session";
import { ctx } from "@/server/context";
import { listHosts } from "@/server/hosts/list-hosts";
import { HostsTable } from "./hosts-table";

export const dynamic = "force-dynamic";

export default async function HostsPage() {
  const user = await requireUserPage("/hosts");
  const hosts = await listHosts(ctx().db, { staleMs: env().BERTH_HOST_STALE_MS });
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">Hosts</h1>
      <p className="mt-1 text-slate-500">Linux hosts whose runtime-host agent has registered. Updates live from heartbeats.</p>
      <HostsTable initial={hosts} staleMs={env().BERTH_HOST_STALE_MS} linkToDetail={user.role === "admin"} />
    </div>
  );
}
