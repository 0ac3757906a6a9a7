import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { consume, LIMITS } from "@/server/limits/rate-limit";
import { createToken } from "@/server/tokens/create-token";
import { listTokens } from "@/server/tokens/list-tokens";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listTokens, async ({ caller }) => ({ tokens: await listTokens(ctx().db, caller.user.id) }));
export const POST = handle(ROUTES.createToken, async ({ caller, body }) => {
  await consume(ctx().redis, LIMITS.tokenCreatePerUser(caller.user.id), "tokens created in the last hour");
  return createToken(ctx().db, caller, body);
});
