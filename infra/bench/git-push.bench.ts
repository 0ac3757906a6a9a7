// `git push` to a Berth app, timed from the push to git's exit (which is after the new release is
// live) and to the first answer of the new version through the proxy, for a one-line change of
// examples/node-http; then one push of 50 MiB of random data. Bounded: ROUNDS rounds, each push
// killed after 300 s. Everything it creates (team, app, token, temp dirs) is removed.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { domain, proxyPort, signInAdmin } from "./admin.ts";
import { api, get, rawDeploy } from "./deploy.bench.ts";
import { summary } from "./stats.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const ROUNDS = 5;

export async function benchGitPush(): Promise<void> {
  const { cookie, username } = await signInAdmin();
  const team = `bench-${randomBytes(3).toString("hex")}`;
  const app = "web";
  const host = `${app}-${team}.${domain}`;
  const home = mkdtempSync(join(tmpdir(), "berth-bench-git-home-"));
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-git-"));
  const env = { ...process.env, HOME: home, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1" };
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.test", "-c", "commit.gpgsign=false", ...args], {
      cwd: dir,
      env,
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  const created = await api(cookie, "POST", "/api/v1/teams", { slug: team, name: "git push bench" });
  if (created.status !== 201) throw new Error(`create team: ${created.status} ${JSON.stringify(created.json)}`);
  let tokenId: string | undefined;
  try {
    const t = await api(cookie, "POST", "/api/v1/tokens", { name: `git-bench-${team}`, scopes: ["apps:deploy"], expiresInDays: 1 });
    if (t.status !== 201) throw new Error(`create token: ${t.status} ${JSON.stringify(t.json)}`);
    tokenId = (t.json.token as { id: string }).id;
    cpSync(join(root, "examples/node-http"), dir, { recursive: true });
    await git("init", "-q", "-b", "main");
    await git("add", ".");
    await git("commit", "-q", "-m", "v1");
    await git("remote", "add", "berth", `http://${username}:${t.json.secret}@localhost:${proxyPort}/git/${team}/${app}.git`);
    const first = performance.now();
    await git("push", "-q", "berth", "main");
    console.log(`  first push (creates the app, cold build) to live: ${((performance.now() - first) / 1000).toFixed(2)} s`);

    const pushed: number[] = [];
    const answered: number[] = [];
    const raw: number[] = [];
    const rawTag = `berth-bench-raw:${team}`;
    const rawContainers: string[] = [];
    await rawDeploy(rawTag, "warm", rawContainers);
    for (let i = 2; i < 2 + ROUNDS; i++) {
      const server = join(dir, "server.js");
      writeFileSync(server, readFileSync(server, "utf8").replace(/APP_VERSION \?\? "[^"]*"/, `APP_VERSION ?? "${i}"`));
      await git("commit", "-q", "-am", `v${i}`);
      const t0 = performance.now();
      await git("push", "-q", "berth", "main");
      pushed.push(performance.now() - t0);
      const body = await get(proxyPort, host);
      if (body === null || JSON.parse(body).version !== String(i)) throw new Error(`v${i} does not answer right after the push`);
      answered.push(performance.now() - t0);
      // The same one-line change, raw, in the same run.
      raw.push(await rawDeploy(rawTag, `raw${i}`, rawContainers));
    }
    if (rawContainers.length > 0) await run("docker", ["rm", "-f", ...rawContainers]).catch(() => undefined);
    await run("docker", ["rmi", "-f", rawTag]).catch(() => undefined);
    const r = summary(raw);
    const p = summary(pushed);
    const a = summary(answered);
    const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
    console.log(`  git push of a one-line change, ${ROUNDS} rounds: until git exits (live) p50 ${s(p.p50)}, min ${s(p.min)}, max ${s(p.max)}`);
    console.log(`    until the new version answers through the proxy: p50 ${s(a.p50)}, max ${s(a.max)}`);
    console.log(`    raw docker build + docker run of the same change: p50 ${s(r.p50)}, min ${s(r.min)}, max ${s(r.max)}`);
    console.log(`    ratio p50 (answering): ${(a.p50 / r.p50).toFixed(2)}× (goal ≤ 2.5×)`);

    writeFileSync(join(dir, "blob.bin"), randomBytes(50 * 1024 * 1024));
    await git("add", "blob.bin");
    await git("commit", "-q", "-m", "50 MiB");
    const big = performance.now();
    await git("push", "-q", "berth", "main");
    console.log(`  git push of 50 MiB of random data (build context 50 MiB) to live: ${((performance.now() - big) / 1000).toFixed(2)} s`);
  } finally {
    await api(cookie, "DELETE", `/api/v1/teams/${team}/apps/${app}`).catch(() => undefined);
    await api(cookie, "DELETE", `/api/v1/teams/${team}`).catch(() => undefined);
    if (tokenId) await api(cookie, "DELETE", `/api/v1/tokens/${tokenId}`).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
