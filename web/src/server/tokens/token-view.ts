import type { token } from "@berth/core";
import type { AccessToken } from "@berth/db";
import type { z } from "zod";

export function tokenView(t: AccessToken): z.infer<typeof token> {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes as z.infer<typeof token>["scopes"],
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}
