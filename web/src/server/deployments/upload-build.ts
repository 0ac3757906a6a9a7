// A build context uploaded as the raw request body (a tar, optionally gzipped) is streamed to
// `<buildDir>/<buildId>.tar` without being held in memory, refused past MAX_BUILD_CONTEXT_BYTES
// (the partial file is removed), then a Build row and a `build` deployment are created. The
// worker's deploy job runs the build from that file (start-build.ts, shared with git push).
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError, MAX_BUILD_CONTEXT_BYTES } from "@berth/core";
import type { AppDeps } from "../apps/app-deps.ts";
import { findApp } from "../apps/find-app.ts";
import { requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "./deployment-view.ts";
import { startBuild } from "./start-build.ts";

const CONTEXT_TYPES = ["application/x-tar", "application/tar", "application/gzip", "application/x-gzip"];
const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `a build context may be at most ${MAX_BUILD_CONTEXT_BYTES / 1024 / 1024} MiB`);

export async function uploadBuild(deps: AppDeps, caller: Caller, team: TeamContext, name: string, req: Request) {
  const { db } = deps;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!CONTEXT_TYPES.includes(type))
    throw new AppError("BAD_REQUEST", "send the build context as the raw body with Content-Type: application/x-tar or application/gzip");
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BUILD_CONTEXT_BYTES) throw tooLarge();
  const app = await findApp(db, team.id, name);
  requireAdminForPrivilegedApp(caller, app, "build and deploy it");
  if (!req.body) throw new AppError("BAD_REQUEST", "the build context is empty");

  const buildId = randomUUID();
  const path = join(deps.settings.buildDir, `${buildId}.tar`);
  await mkdir(deps.settings.buildDir, { recursive: true, mode: 0o700 });
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      // Chunked uploads carry no length: count what actually arrives.
      done(size > MAX_BUILD_CONTEXT_BYTES ? tooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(req.body as WebReadableStream<Uint8Array>), limit, createWriteStream(path, { flags: "wx", mode: 0o600 }));
    if (size === 0) throw new AppError("BAD_REQUEST", "the build context is empty");
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }

  const d = await startBuild(deps, { app, buildId, path, source: "upload", bytes: size, actor: { userId: caller.user.id, ip: caller.ip } });
  return oneDeploymentView(db, d.id);
}
