// Host paths (and the Docker socket) mounted into a container give it the host: only instance
// admins may set them, and only they may put a new image or command behind existing ones.
import { type AppConfig, AppError } from "@berth/core";
import type { Caller } from "../auth/caller.ts";

export const isInstanceAdmin = (caller: Caller) => caller.user.role === "admin" && (!caller.scopes || caller.scopes.includes("admin"));

export function assertMayMount(caller: Caller, binds: readonly unknown[] | undefined): void {
  if (binds && binds.length > 0 && !isInstanceAdmin(caller)) throw new AppError("FORBIDDEN", "only instance admins may mount host paths or the Docker socket");
}

/** A new image or command on an app with host mounts would run someone else's code with the host's rights. */
export function assertMayChangeCode(caller: Caller, config: AppConfig): void {
  if (config.binds.length > 0 && !isInstanceAdmin(caller)) {
    throw new AppError("FORBIDDEN", "this app mounts host paths; only instance admins may change its image, command or source");
  }
}
