import { AppError } from "@berth/core";
import type { Db, Deployment } from "@berth/db";

/** One of the app's deployments; an id of another app (or team) is "not found". */
export async function findDeployment(db: Db, appId: string, id: string): Promise<Deployment> {
  const d = await db.deployment.findFirst({ where: { id, appId } });
  if (!d) throw new AppError("NOT_FOUND", `deployment ${id} not found`);
  return d;
}
