import type { member, Role } from "@berth/core";
import type { Db } from "@berth/db";
import type { z } from "zod";

export async function listMembers(db: Db, teamId: string): Promise<z.infer<typeof member>[]> {
  const rows = await db.membership.findMany({ where: { teamId }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    username: m.user.username,
    role: m.role as Role,
    joinedAt: m.createdAt.toISOString(),
  }));
}
