// What a build of an app's repository fetches with: the app's URL with its sealed credentials put
// back (sealing them first when the row is from before they were sealed at rest), and the outbound
// policy as it stands now. The build row names the URL without credentials; when the app's
// repository changed since the build was queued, that URL is fetched as it is.
import { loadOutboundPolicy, type OutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { repositoryFetchUrl } from "@berth/control/repository/repository-url";
import { sealRepositoryCredentials } from "@berth/control/repository/seal-repository-credentials";
import { redactUrl } from "@berth/core/apps";
import type { Db } from "@berth/db";
import type { Config } from "../config.ts";

export type AppRepositoryDeps = { db: Db; config: Pick<Config, "BERTH_ENCRYPTION_KEY" | "BERTH_PUBLIC_URL"> };

export async function appRepositoryFetch(deps: AppRepositoryDeps, appId: string, shownUrl: string): Promise<{ url: string; policy: OutboundPolicy }> {
  const key = deps.config.BERTH_ENCRYPTION_KEY;
  await sealRepositoryCredentials(deps.db, key, { appId });
  const app = await deps.db.app.findUnique({ where: { id: appId }, select: { repoUrl: true, repoCredentials: true } });
  const same = app?.repoUrl != null && redactUrl(app.repoUrl) === shownUrl;
  const url = same && app?.repoUrl ? repositoryFetchUrl(key, { repoUrl: app.repoUrl, repoCredentials: app.repoCredentials }) : shownUrl;
  return { url, policy: await loadOutboundPolicy(deps.db, { publicUrl: deps.config.BERTH_PUBLIC_URL }) };
}
