// One bare repository per app (repo-path.ts), created on first use with Berth's pre-receive hook
// (refreshed on every use, so a new Berth version updates old repositories). Loaded only by
// web/server.ts, never by Next's bundles: it reads the hook's source from beside this file.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoPath } from "./repo-path.ts";

const run = promisify(execFile);
const HOOK_SOURCE = readFileSync(new URL("./pre-receive.cjs", import.meta.url), "utf8");
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** PATH and HOME from web's config: git, http-backend and the hook never see web's secrets. */
export type GitBaseEnv = { PATH: string; HOME?: string | undefined };

export const gitEnv = (base: GitBaseEnv, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const out: Record<string, string> = { GIT_CONFIG_NOSYSTEM: "1" };
  for (const [k, v] of Object.entries({ ...base, ...extra })) if (v !== undefined) out[k] = v;
  // Next's types make NODE_ENV required in every ProcessEnv; git does not need it.
  return out as NodeJS.ProcessEnv;
};

export async function ensureRepo(base: GitBaseEnv, gitDir: string, teamId: string, appId: string): Promise<string> {
  const repo = repoPath(gitDir, teamId, appId);
  if (!existsSync(join(repo, "HEAD"))) {
    await mkdir(join(gitDir, teamId), { recursive: true, mode: 0o700 });
    await run("git", ["init", "--bare", "--quiet", "--initial-branch=main", repo], { env: gitEnv(base) });
    for (const [key, value] of [
      ["receive.denyNonFastForwards", "false"],
      ["receive.denyDeletes", "false"],
      ["http.receivepack", "true"],
      ["http.uploadpack", "true"],
    ] as const) {
      await run("git", ["config", "--file", join(repo, "config"), key, value], { env: gitEnv(base) });
    }
  }
  await installHook(repo);
  return repo;
}

async function installHook(repo: string) {
  const script = join(repo, "hooks", "berth-pre-receive.cjs");
  const launcher = join(repo, "hooks", "pre-receive");
  const wanted = `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(script)}\n`;
  if ((await readFile(script, "utf8").catch(() => "")) !== HOOK_SOURCE) await writeFile(script, HOOK_SOURCE, { mode: 0o644 });
  if ((await readFile(launcher, "utf8").catch(() => "")) !== wanted) {
    await writeFile(launcher, wanted, { mode: 0o755 });
    await chmod(launcher, 0o755);
  }
}
