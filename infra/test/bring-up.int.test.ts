// The bring-up scripts on this machine's real services: idempotent, self-healing, and clear
// about a port someone else holds.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const berthHome = process.env.BERTH_HOME ?? join(root, ".berth");
const pid = (name: string) => readFileSync(join(berthHome, "run", `${name}.pid`), "utf8").trim();

describe("bring-up", () => {
  it("refuses a port that another process holds, naming the port and the process", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const home = mkdtempSync(join(tmpdir(), "berth-home-"));
      const res = await run("bash", ["infra/services/redis.sh"], {
        cwd: root,
        env: { ...process.env, BERTH_HOME: home, BERTH_REDIS_PORT: String(port), BERTH_REDIS_PASSWORD: "unused-password" },
      }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(res.code, 1);
      assert.match(res.stderr, new RegExp(`port ${port} \\(for redis\\) is already taken by node \\(pid ${process.pid}\\)`));
      assert.match(res.stderr, /BERTH_REDIS_PORT/);
    } finally {
      blocker.close();
    }
  });

  it("restarts a service that died, supervisor and all", async () => {
    const before = pid("registry");
    // Both gone (the supervisor alone dying leaves its child serving: see supervisor.int.test.ts for a child that dies).
    const child = Number(readFileSync(join(berthHome, "run", "registry-child.pid"), "utf8").trim());
    process.kill(Number(before), "SIGKILL");
    process.kill(child, "SIGKILL");
    const { stdout } = await run("bash", ["infra/services/registry.sh"], { cwd: root });
    assert.match(stdout, /registry: starting/);
    assert.notEqual(pid("registry"), before);
    const res = await fetch(`http://127.0.0.1:${process.env.BERTH_REGISTRY_PORT ?? "5000"}/v2/`);
    assert.ok(res.status === 200 || res.status === 401, `registry answers (HTTP ${res.status})`);
  });

  it("runs a second time without restarting what is running", async () => {
    // The second local host too (infra/services/host2.sh): its namespace's holder, engine, tunnels and agent.
    const host2 = process.env.BERTH_LOCAL_HOSTS === "1" ? [] : ["host2-holder", "dockerd2", "tunnel", "tunnel-2", "runtime-host-2"];
    const names = ["redis", "registry", "caddy", "postgres", ...host2];
    const before = names.map(pid);
    const { stdout } = await run("bash", ["infra/up.sh"], { cwd: root, maxBuffer: 10 * 1024 * 1024 });
    assert.match(stdout, /Berth is up in \d+s/);
    assert.match(stdout, /dashboard: +http:\/\/localhost:\d+/);
    assert.doesNotMatch(stdout, /(postgres|redis|registry|caddy|dockerd2|tunnel|tunnel-2): starting/);
    assert.deepEqual(names.map(pid), before);
  });
});
