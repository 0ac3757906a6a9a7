// Small pieces the dashboard's pages share, so they keep one look.
import type { Role } from "@berth/core";
import type { ReactNode } from "react";

export const inputClass = "mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none";
export const primaryButton =
  "rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-60";
export const secondaryButton =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60";
export const dangerButton =
  "rounded-md border border-red-200 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-60";
export const card = "rounded-xl border border-slate-200 bg-white shadow-sm";
export const tableClass = "w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm";
/**
 * A table that scrolls sideways inside its frame instead of widening the page: inline-size
 * containment keeps a wide table from stretching the flex layout around it.
 */
export function TableFrame({ children, testId, className = "" }: { children: ReactNode; testId?: string; className?: string }) {
  return (
    <div className={`overflow-x-auto rounded-xl border border-slate-200 bg-white [contain:inline-size] ${className}`}>
      <table className="w-full text-left text-sm" data-testid={testId}>
        {children}
      </table>
    </div>
  );
}
export const theadClass = "bg-slate-50 text-xs uppercase tracking-wide text-slate-500";

const ROLE_STYLE: Record<Role, string> = {
  owner: "bg-indigo-50 text-indigo-700",
  admin: "bg-amber-50 text-amber-700",
  developer: "bg-emerald-50 text-emerald-700",
  viewer: "bg-slate-100 text-slate-600",
};

export function RoleBadge({ role }: { role: Role }) {
  return (
    <span data-testid="role-badge" className={`rounded-full px-2 py-0.5 text-xs font-medium ${ROLE_STYLE[role]}`}>
      {role}
    </span>
  );
}

export function Badge({ children, tone = "slate" }: { children: ReactNode; tone?: "slate" | "red" | "emerald" | "amber" }) {
  const tones = {
    slate: "bg-slate-100 text-slate-600",
    red: "bg-red-50 text-red-700",
    emerald: "bg-emerald-50 text-emerald-700",
    amber: "bg-amber-50 text-amber-700",
  };
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

/** An error next to the thing that failed, read out by screen readers. */
export function ErrorNote({ children, testId = "form-error" }: { children: ReactNode; testId?: string }) {
  return (
    <p role="alert" data-testid={testId} className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
      {children}
    </p>
  );
}

/** A point in time in the reader's locale, with the exact ISO time on hover. */
export function When({ iso, empty = "—" }: { iso: string | null | undefined; empty?: string }) {
  if (!iso) return <span className="text-slate-400">{empty}</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={iso}>
      {d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })}
    </time>
  );
}

export function PageHeader({ title, children, className = "mb-6" }: { title: ReactNode; children?: ReactNode; className?: string }) {
  return (
    <div className={className}>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {children && <div className="mt-1 text-slate-500">{children}</div>}
    </div>
  );
}
