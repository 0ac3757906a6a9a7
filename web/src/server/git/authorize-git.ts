// Who may use an app's repository over HTTP: Basic credentials (a password or an access token,
// checked and rate-limited like the registry's token endpoint), then the team role. Clone and
// fetch need `apps.read`; push needs `apps.deploy`, and a push to an app that does not exist yet
// creates it when the pusher may `apps.write`.
import { AppError, appName, slug } from "@berth/core";
import type { App } from "@berth/db";
import type { AppDeps } from "../apps/app-deps.ts";
import { createApp } from "../apps/create-app.ts";
import { requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import type { Auth } from "../auth/auth.ts";
import { authorize, type TeamContext } from "../auth/authorize.ts";
import { type Caller, toUser } from "../auth/caller.ts";
import { authenticateBasic, parseBasic } from "../registry/authenticate-basic.ts";

export type GitAccess = { caller: Caller; team: TeamContext; app: App };

export function parseRepoNames(teamSlug: string, name: string): { team: string; app: string } {
  const t = slug.safeParse(teamSlug);
  const a = appName.safeParse(name);
  if (!t.success || !a.success) throw new AppError("NOT_FOUND", "repository not found: use /git/<team>/<app>.git");
  return { team: t.data, app: a.data };
}

export async function authorizeGit(
  deps: AppDeps & { auth: Auth },
  input: { team: string; app: string; push: boolean; authorization: string | null; ip: string },
): Promise<GitAccess> {
  const creds = parseBasic(input.authorization);
  if (!creds) throw new AppError("UNAUTHENTICATED", "authentication required: your Berth username with a password or an access token");
  const who = await authenticateBasic(deps, creds, input.ip);
  const user = await deps.db.user.findUnique({ where: { id: who.userId } });
  if (!user) throw new AppError("UNAUTHENTICATED", "the account no longer exists");
  const caller: Caller = { user: toUser(user), via: who.scopes ? "token" : "session", scopes: who.scopes, ip: input.ip };
  const team = (await authorize(deps.db, { kind: "team", permission: input.push ? "apps.deploy" : "apps.read" }, caller, { team: input.team })) as TeamContext;

  let app = await deps.db.app.findUnique({ where: { teamId_name: { teamId: team.id, name: input.app } } });
  if (!app) {
    if (!input.push) throw new AppError("NOT_FOUND", `app "${input.app}" not found in ${team.slug}`);
    await authorize(deps.db, { kind: "team", permission: "apps.write" }, caller, { team: input.team }).catch((err: Error) => {
      throw new AppError("FORBIDDEN", `app "${input.app}" does not exist in ${team.slug} and you may not create it: ${err.message}`);
    });
    let failure: unknown = null;
    await createApp(deps, caller, team, { name: input.app, deploy: false }).catch((err) => {
      failure = err;
    });
    // A CONFLICT may mean a first push at the same moment created it: use that one.
    app = await deps.db.app.findUnique({ where: { teamId_name: { teamId: team.id, name: input.app } } });
    if (!app) throw failure ?? new AppError("CONFLICT", `app "${input.app}" could not be created`);
  }
  if (input.push) requireAdminForPrivilegedApp(caller, app, "push code to it");
  return { caller, team, app };
}
