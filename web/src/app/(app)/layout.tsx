import type { ReactNode } from "react";
import { Shell } from "@/components/shell";
import { requireUserPage } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUserPage("/");
  return <Shell user={user}>{children}</Shell>;
}
