import { liveRelease } from "@berth/control/releases/live-release";
import type { Db } from "@berth/db";
import { findApp } from "../apps/find-app.ts";
import { userNames } from "../apps/user-names.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { releaseView } from "./release-view.ts";

export async function listReleases(db: Db, team: TeamContext, name: string) {
  const app = await findApp(db, team.id, name);
  const [rows, live] = await Promise.all([db.release.findMany({ where: { appId: app.id }, orderBy: { version: "desc" }, take: 100 }), liveRelease(db, app.id)]);
  const who = await userNames(
    db,
    rows.map((r) => r.createdBy),
  );
  return { releases: rows.map((r) => releaseView(r, who)), liveVersion: live?.version ?? null };
}
