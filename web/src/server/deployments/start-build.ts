// A build becomes a Build row and a `build` deployment, audited. Its context is either already on
// disk at `<buildDir>/<buildId>.tar` (the upload route, `git push`; the file is removed when the
// deployment cannot be created, so no context is left without a build) or a repository the worker
// fetches first (`source` = `repo:<url without credentials>#<ref>`: deployRepository, the webhook).
import { rm } from "node:fs/promises";
import type { AppDeps } from "../apps/app-deps.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { assertBuildQuota, assertStorageQuota } from "../limits/quotas.ts";
import { launch } from "./launch.ts";

export type StartBuildInput = {
  app: { id: string; name: string; teamId: string };
  buildId: string;
  /** The context written by web; absent when the worker fetches a repository. */
  path?: string;
  /** "upload", the commit a push built from, or `repo:<url>#<ref>`. */
  source: string;
  bytes?: number;
  /** `userId` null: started by a webhook. */
  actor: { userId: string | null; ip: string | null };
  /** More for the audit event (e.g. a webhook's delivery id). */
  audit?: Record<string, unknown>;
};

/** A build row's source for a repository: never with the URL's credentials. */
export const repoSource = (redactedUrl: string, ref: string) => `repo:${redactedUrl}#${ref}`;

export async function startBuild(deps: Pick<AppDeps, "db" | "enqueue" | "redis" | "registry">, input: StartBuildInput) {
  const { db } = deps;
  const { app, buildId, actor } = input;
  let d: Awaited<ReturnType<typeof launch>>;
  try {
    await assertBuildQuota(db, { id: app.teamId }, app.id);
    await assertStorageQuota(deps, { id: app.teamId });
    await db.build.create({ data: { id: buildId, appId: app.id, status: "queued", source: input.source } });
    d = await launch(deps, { appId: app.id, kind: "build", buildId, createdBy: actor.userId });
  } catch (err) {
    if (input.path) await rm(input.path, { force: true });
    throw err;
  }
  await recordAudit(db, {
    action: "deployment.created",
    actorId: actor.userId,
    teamId: app.teamId,
    target: app.name,
    ipAddress: actor.ip,
    data: { deploymentId: d.id, kind: "build", buildId, ...(input.bytes !== undefined ? { bytes: input.bytes } : {}), source: input.source, ...input.audit },
  });
  return d;
}
