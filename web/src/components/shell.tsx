import Link from "next/link";
import type { ReactNode } from "react";
import type { SessionUser } from "@/server/auth/session";
import { SignOutButton } from "./sign-out-button";

const NAV: { href: string; label: string; adminOnly?: boolean }[] = [
  { href: "/", label: "Overview" },
  { href: "/apps", label: "Apps" },
  { href: "/teams", label: "Teams" },
  { href: "/images", label: "Images" },
  { href: "/tokens", label: "Tokens" },
  { href: "/hosts", label: "Hosts" },
  { href: "/admin", label: "Admin", adminOnly: true },
];

export function Shell({ user, children }: { user: SessionUser; children: ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-56 shrink-0 flex-col border-r border-slate-200 bg-white">
        <Link href="/" className="flex items-center gap-2 px-5 py-5">
          <span className="inline-block h-6 w-6 rounded-md bg-indigo-600" aria-hidden />
          <span className="text-lg font-semibold tracking-tight">Berth</span>
        </Link>
        <nav className="flex flex-col gap-1 px-3" aria-label="Main">
          {NAV.filter((n) => !n.adminOnly || user.role === "admin").map((n) => (
            <Link key={n.href} href={n.href} className="rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900">
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="mt-auto border-t border-slate-200 px-5 py-4">
          <p className="truncate text-sm font-medium" data-testid="current-user">
            {user.email}
          </p>
          <p className="mb-2 text-xs text-slate-500">{user.role === "admin" ? "Instance admin" : "Member"}</p>
          <SignOutButton />
        </div>
      </aside>
      <main className="flex-1 px-10 py-8">{children}</main>
    </div>
  );
}
