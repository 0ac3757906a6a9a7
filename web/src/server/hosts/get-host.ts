// One host with the containers Berth runs on it (every team's: instance admins only).
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { containerViews } from "../containers/container-view.ts";
import { hostView } from "./list-hosts.ts";

export async function getHost(db: Db, id: string, opts: { staleMs: number }) {
  const host = await db.host.findUnique({ where: { id } });
  if (!host) throw new AppError("NOT_FOUND", `host ${id} not found`);
  const rows = await db.container.findMany({
    where: { hostId: id },
    include: { app: { select: { name: true } }, team: { select: { slug: true } } },
    orderBy: { name: "asc" },
    take: 5000,
  });
  const views = await containerViews(db, rows);
  return { ...hostView(host, opts.staleMs), containers: views.map((v, i) => ({ ...v, team: rows[i]?.team.slug ?? "" })) };
}
