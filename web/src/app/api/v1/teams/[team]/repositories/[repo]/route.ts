import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { getRepository } from "@/server/images/get-repository";
import { updateRepository } from "@/server/images/update-repository";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getRepository, async ({ caller, team, params }) =>
  getRepository(ctx().db, team, caller.user.id, params.repo ?? "", `127.0.0.1:${env().BERTH_REGISTRY_PORT}`),
);
export const PATCH = handle(ROUTES.updateRepository, async ({ caller, team, params, body }) =>
  updateRepository(ctx().db, caller, team, params.repo ?? "", body),
);
