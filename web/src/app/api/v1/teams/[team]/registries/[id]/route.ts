import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { removeRegistryCredential } from "@/server/registries/manage-registry-credentials";

export const dynamic = "force-dynamic";

export const DELETE = handle(ROUTES.removeRegistryCredential, async ({ caller, team, params }) =>
  removeRegistryCredential(ctx().db, caller, team, params.id ?? ""),
);
