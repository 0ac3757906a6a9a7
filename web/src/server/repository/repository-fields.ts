// An app's repository as stored (`repoUrl` shown form, `repoCredentials` sealed, `repoBranch`,
// `webhookSecret`) and as shown: the URL's credentials are never shown, logged or audited. A URL a
// user sets must pass the outbound policy (control/src/outbound), so they learn at once.
import { checkUrlAtEdge } from "@berth/control/outbound/check-url-at-edge";
import { storeRepositoryUrl } from "@berth/control/repository/repository-url";
import { redactUrl } from "@berth/core";
import type { App } from "@berth/db";
import type { AppDeps } from "../apps/app-deps.ts";

export type RepositoryInput = { url: string; branch?: string };

export const repositoryView = (app: Pick<App, "repoUrl" | "repoBranch" | "deployBranch" | "webhookSecret">) =>
  app.repoUrl ? { url: redactUrl(app.repoUrl), branch: app.repoBranch ?? app.deployBranch, webhook: app.webhookSecret !== null } : null;

/** The columns for a new repository (or none: `null` also drops the webhook secret), once its URL passed the outbound policy. */
export async function repositoryData(deps: Pick<AppDeps, "db" | "settings">, input: RepositoryInput | null, deployBranch: string) {
  if (!input) return { repoUrl: null, repoCredentials: null, repoBranch: null, webhookSecret: null };
  await checkUrlAtEdge(deps.db, input.url, { publicUrl: deps.settings.publicUrl });
  return { ...storeRepositoryUrl(deps.settings.encryptionKey, input.url), repoBranch: input.branch ?? deployBranch };
}

/** What the audit log keeps of a repository change. */
export const repositoryAudit = (input: RepositoryInput | null, deployBranch: string) =>
  input ? { url: redactUrl(input.url), branch: input.branch ?? deployBranch } : null;
