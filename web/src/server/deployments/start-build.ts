// A build context already on disk at `<buildDir>/<buildId>.tar` becomes a Build row and a `build`
// deployment, audited. The upload route and `git push` both end here; the file is removed when
// the deployment cannot be created, so no context is left without a build.
import { rm } from "node:fs/promises";
import type { AppDeps } from "../apps/app-deps.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { launch } from "./launch.ts";

export type StartBuildInput = {
  app: { id: string; name: string; teamId: string };
  buildId: string;
  path: string;
  /** "upload", or the commit a push built from. */
  source: string;
  bytes: number;
  actor: { userId: string; ip: string };
};

export async function startBuild(deps: Pick<AppDeps, "db" | "enqueue">, input: StartBuildInput) {
  const { db } = deps;
  const { app, buildId, actor } = input;
  let d: Awaited<ReturnType<typeof launch>>;
  try {
    await db.build.create({ data: { id: buildId, appId: app.id, status: "queued", source: input.source } });
    d = await launch(deps, { appId: app.id, kind: "build", buildId, createdBy: actor.userId });
  } catch (err) {
    await rm(input.path, { force: true });
    throw err;
  }
  await recordAudit(db, {
    action: "deployment.created",
    actorId: actor.userId,
    teamId: app.teamId,
    target: app.name,
    ipAddress: actor.ip,
    data: { deploymentId: d.id, kind: "build", buildId, bytes: input.bytes, source: input.source },
  });
  return d;
}
