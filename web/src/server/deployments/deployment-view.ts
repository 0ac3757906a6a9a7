import type { DeploymentKind, DeploymentState, deploymentView as deploymentViewSchema } from "@berth/core";
import type { Db, Deployment } from "@berth/db";
import type { z } from "zod";
import { userNames } from "../apps/user-names.ts";

export type DeploymentView = z.infer<typeof deploymentViewSchema>;
export type DeploymentRow = Deployment & { release: { version: number } | null };

export function deploymentView(d: DeploymentRow, name: (id: string | null) => string | null): DeploymentView {
  return {
    id: d.id,
    appId: d.appId,
    kind: d.kind as DeploymentKind,
    status: d.status as DeploymentState,
    reason: d.reason,
    releaseVersion: d.release?.version ?? null,
    imageRef: d.imageRef,
    createdBy: name(d.createdBy),
    createdAt: d.createdAt.toISOString(),
    startedAt: d.startedAt?.toISOString() ?? null,
    finishedAt: d.finishedAt?.toISOString() ?? null,
  };
}

export const withRelease = { release: { select: { version: true } } } as const;

/** Views of deployments (loaded again with their release versions), in the given order. */
export async function deploymentViews(db: Db, ids: readonly string[]): Promise<DeploymentView[]> {
  if (ids.length === 0) return [];
  const rows = await db.deployment.findMany({ where: { id: { in: [...ids] } }, include: withRelease });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const name = await userNames(
    db,
    rows.map((r) => r.createdBy),
  );
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [deploymentView(row, name)] : [];
  });
}

export async function oneDeploymentView(db: Db, id: string): Promise<DeploymentView> {
  const [view] = await deploymentViews(db, [id]);
  if (!view) throw new Error(`deployment ${id} vanished`);
  return view;
}
