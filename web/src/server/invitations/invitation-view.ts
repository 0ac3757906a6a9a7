import type { invitation, Role } from "@berth/core";
import type { Invitation } from "@berth/db";
import type { z } from "zod";

export function invitationView(i: Invitation): z.infer<typeof invitation> {
  return {
    id: i.id,
    email: i.email,
    role: i.role as Role,
    expiresAt: i.expiresAt.toISOString(),
    acceptedAt: i.acceptedAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
  };
}
