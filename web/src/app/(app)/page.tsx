import { env } from "@/env";
import { requireUserPage } from "@/server/auth/session";
import { ctx } from "@/server/context";
import { stackHealth } from "@/server/health/check-health";

export const dynamic = "force-dynamic";

export default async function Overview() {
  await requireUserPage("/");
  const health = await stackHealth(ctx(), env());
  const rows = [
    ["PostgreSQL", health.checks.postgres],
    ["Redis", health.checks.redis],
    ["Docker Engine", health.checks.docker],
    ["Registry", health.checks.registry],
    ["Caddy", health.checks.caddy],
  ] as const;
  return (
    <div className="max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <p className="mt-1 text-slate-500">
        Stack status:{" "}
        <span data-testid="stack-status" className={health.status === "ok" ? "text-emerald-600" : "text-amber-600"}>
          {health.status}
        </span>
      </p>
      <ul className="mt-6 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
        {rows.map(([name, c]) => (
          <li key={name} className="flex items-center justify-between px-5 py-3">
            <span className="font-medium">{name}</span>
            <span className={`text-sm ${c.ok ? "text-emerald-600" : "text-red-600"}`}>{c.ok ? `up · ${c.latencyMs} ms` : `down · ${c.error ?? ""}`}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
