// Real registry clients for tests: skopeo (no daemon) and the docker CLI with a config
// directory of the test's own, so logins never touch the user's ~/.docker.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import pg from "pg";
import type { TestUser } from "./api.ts";
import { childEnv, stack } from "./config.ts";

const run = promisify(execFile);
export const registryHost = stack.registryHost;
export const BASE_IMAGE = `${registryHost}/berth/busybox:latest`;

export type Result = { code: number; out: string };

async function exec(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(cmd, args, { env: childEnv(env), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : 1, out: (err.stdout ?? "") + (err.stderr ?? "") };
  }
}

export const skopeo = (args: string[]) => exec("skopeo", args);

/** Copies the base image to `image` (`team/repo:tag`) as `creds` ("user:password"), or anonymously. */
export function skopeoCopy(image: string, creds?: string): Promise<Result> {
  return skopeo([
    "copy",
    "--src-tls-verify=false",
    "--dest-tls-verify=false",
    ...(creds ? ["--dest-creds", creds] : ["--dest-no-creds"]),
    `docker://${BASE_IMAGE}`,
    `docker://${registryHost}/${image}`,
  ]);
}

export async function tagRow(fullName: string, tag: string): Promise<{ digest: string; sizeBytes: string; pullCount: number } | undefined> {
  const [team, ...rest] = fullName.split("/");
  const c = new pg.Client({ connectionString: stack.databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT t.digest, t."sizeBytes", t."pullCount" FROM image_tag t JOIN image_repository r ON r.id = t."repositoryId" JOIN team ON team.id = r."teamId" WHERE team.slug = $1 AND r.name = $2 AND t.name = $3`,
      [team, rest.join("/"), tag],
    );
    return rows[0];
  } finally {
    await c.end();
  }
}

/** Waits until the registry's push notification has reached Berth's database. */
export async function waitForTag(fullName: string, tag: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const row = await tagRow(fullName, tag);
    if (row) return row;
    await sleep(100);
  }
  throw new Error(`tag ${fullName}:${tag} never appeared in the database`);
}

/** Pushes the base image as `image` ("team/repo:tag") with the user's password and waits for it to be recorded. */
export async function pushImage(opts: { user: TestUser; image: string }): Promise<void> {
  const res = await skopeoCopy(opts.image, `${opts.user.username}:${opts.user.password}`);
  if (res.code !== 0) throw new Error(`push ${opts.image} failed: ${res.out}`);
  const [name, tag] = opts.image.split(":") as [string, string];
  await waitForTag(name, tag);
}

/** The docker CLI with its own config directory (its own logins). */
export function dockerCli(): { run: (args: string[], input?: string) => Promise<Result>; config: string } {
  const config = mkdtempSync(join(tmpdir(), "berth-docker-"));
  return {
    config,
    run: (args, input) =>
      input === undefined
        ? exec("docker", args, { DOCKER_CONFIG: config })
        : new Promise<Result>((resolve) => {
            const child = execFile("docker", args, { env: childEnv({ DOCKER_CONFIG: config }), timeout: 120_000 }, (err, stdout, stderr) =>
              resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
            );
            child.stdin?.end(input);
          }),
  };
}
