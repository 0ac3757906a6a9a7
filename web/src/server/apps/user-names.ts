// Deployments and releases remember who started them by user id; views show a name.
import type { Db } from "@berth/db";

export async function userNames(db: Db, ids: readonly (string | null)[]): Promise<(id: string | null) => string | null> {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  const rows = wanted.length ? await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, username: true, email: true } }) : [];
  const names = new Map(rows.map((u) => [u.id, u.username ?? u.email]));
  // Not a user (a system actor such as a host drain): shown as stored.
  return (id) => (id ? (names.get(id) ?? id) : null);
}
