import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { addRegistryCredential } from "@/server/registries/add-registry-credential";
import { listRegistryCredentials } from "@/server/registries/manage-registry-credentials";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listRegistryCredentials, async ({ team }) => ({ registries: await listRegistryCredentials(ctx().db, team.id) }));
export const POST = handle(ROUTES.addRegistryCredential, async ({ caller, team, body }) =>
  addRegistryCredential(
    ctx().db,
    { encryptionKey: env().BERTH_ENCRYPTION_KEY, registryPort: env().BERTH_REGISTRY_PORT, publicUrl: env().publicUrl },
    caller,
    team,
    body,
  ),
);
