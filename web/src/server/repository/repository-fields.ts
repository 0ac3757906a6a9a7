// An app's repository as stored (`repoUrl`, `repoBranch`, `webhookSecret`) and as shown: the URL's
// credentials are never shown, logged or audited.
import { redactUrl } from "@berth/core";
import type { App } from "@berth/db";

export type RepositoryInput = { url: string; branch?: string };

export const repositoryView = (app: Pick<App, "repoUrl" | "repoBranch" | "deployBranch" | "webhookSecret">) =>
  app.repoUrl ? { url: redactUrl(app.repoUrl), branch: app.repoBranch ?? app.deployBranch, webhook: app.webhookSecret !== null } : null;

/** The columns for a new repository (or none: `null` also drops the webhook secret). */
export const repositoryData = (input: RepositoryInput | null, deployBranch: string) =>
  input ? { repoUrl: input.url, repoBranch: input.branch ?? deployBranch } : { repoUrl: null, repoBranch: null, webhookSecret: null };

/** What the audit log keeps of a repository change. */
export const repositoryAudit = (input: RepositoryInput | null, deployBranch: string) =>
  input ? { url: redactUrl(input.url), branch: input.branch ?? deployBranch } : null;
