// "Some users' rights just shrank": published by whatever takes rights away (a token revoked, a
// session deleted, a member removed or their role changed, a team or a user deleted) and handled
// by every web process's socket layer (sockets/socket-rights.ts), which re-checks those users'
// open sockets at once. Only web publishes and only web listens, so the message lives here.
// Delivery is best effort: the socket layer also re-checks every socket periodically.
import type { Redis } from "ioredis";
import { z } from "zod";

export const RIGHTS_CHANNEL = "berth:rights-changed";

export const rightsChanged = z.object({
  version: z.literal(1),
  userIds: z.array(z.string()).max(100_000),
  /** Why, as the socket's user will read it ("this access token was revoked"). */
  reason: z.string().max(200),
});
export type RightsChanged = z.infer<typeof rightsChanged>;

/** Never throws: the change is already stored, and the periodic re-check catches a lost message. */
export async function publishRightsChanged(redis: Redis, change: { userIds: string[]; reason: string }): Promise<void> {
  if (change.userIds.length === 0) return;
  const message: RightsChanged = { version: 1, userIds: [...new Set(change.userIds)], reason: change.reason };
  await redis.publish(RIGHTS_CHANNEL, JSON.stringify(message)).catch(() => {});
}
