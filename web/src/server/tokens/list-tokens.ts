import type { Db } from "@berth/db";
import { tokenView } from "./token-view.ts";

export async function listTokens(db: Db, userId: string) {
  const rows = await db.accessToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map(tokenView);
}
