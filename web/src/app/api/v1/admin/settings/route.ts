import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { getSettings, updateSettings } from "@/server/settings/instance-settings";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getSettings, async () => getSettings(ctx().db));
export const PATCH = handle(ROUTES.updateSettings, async ({ caller, body }) => updateSettings(ctx().db, caller, body, { publicUrl: env().publicUrl }));
