// What GET /api/health tells whom: anyone learns whether the stack is up (the status a load
// balancer or `berth.sh` waits for); only instance admins (a session, or a token with the admin
// scope) see the checks and the hosts, whose ids and engine versions help an attacker aim.
import type { Db } from "@berth/db";
import { authorize } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import type { Health } from "./check-health.ts";

export type PublicHealth = Pick<Health, "status">;

export async function healthView(db: Db, health: Health, caller: Caller | null): Promise<Health | PublicHealth> {
  const admin = await authorize(db, { kind: "admin" }, caller, {}).then(
    () => true,
    () => false,
  );
  return admin ? health : { status: health.status };
}
