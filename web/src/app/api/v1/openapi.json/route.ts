import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { buildOpenApi } from "@/server/api/openapi";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.openapi, async () => buildOpenApi(env().publicUrl));
