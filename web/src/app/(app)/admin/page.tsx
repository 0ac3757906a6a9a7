import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui";
import { requireUserPage } from "@/server/auth/session";
import { AdminView } from "./admin-view";

export const dynamic = "force-dynamic";

export default async function AdminPage() {
  const user = await requireUserPage("/admin");
  // Not "forbidden": to everyone but instance admins this page does not exist.
  if (user.role !== "admin") notFound();
  return (
    <div className="max-w-6xl">
      <PageHeader title="Instance administration">Settings for this Berth instance and everything that happened on it.</PageHeader>
      <AdminView />
    </div>
  );
}
