import type { Role, teamSummary } from "@berth/core";
import type { z } from "zod";

export function teamView(t: { id: string; slug: string; name: string; personal: boolean; createdAt: Date }, role: Role): z.infer<typeof teamSummary> {
  return { id: t.id, slug: t.slug, name: t.name, personal: t.personal, role, createdAt: t.createdAt.toISOString() };
}
