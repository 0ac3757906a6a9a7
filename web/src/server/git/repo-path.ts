// Where an app's bare repository lives: `<gitDir>/<teamId>/<appId>.git`. Ids, never names, make
// the path, so a rename or a crafted name cannot reach another app's repository.
import { join } from "node:path";
import { AppError } from "@berth/core";

const ID = /^[0-9a-f-]{36}$/;

export const repoPath = (gitDir: string, teamId: string, appId: string) => {
  if (!ID.test(teamId) || !ID.test(appId)) throw new AppError("INTERNAL", "unexpected team or app id");
  return join(gitDir, teamId, `${appId}.git`);
};
