// Host paths (and the Docker socket) mounted into a container give it the host: only instance
// admins may set them. What may then change on such an app is privileged-app.ts's rule.
import { AppError } from "@berth/core";
import type { Caller } from "../auth/caller.ts";
import { isInstanceAdmin } from "./privileged-app.ts";

export function assertMayMount(caller: Caller, binds: readonly unknown[] | undefined): void {
  if (binds && binds.length > 0 && !isInstanceAdmin(caller)) throw new AppError("FORBIDDEN", "only instance admins may mount host paths or the Docker socket");
}
