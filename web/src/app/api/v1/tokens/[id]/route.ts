import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { revokeToken } from "@/server/tokens/revoke-token";

export const dynamic = "force-dynamic";

export const DELETE = handle(ROUTES.revokeToken, async ({ caller, params }) => revokeToken(ctx(), caller, params.id ?? ""));
