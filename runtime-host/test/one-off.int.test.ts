// One-off commands (container.oneoff) against the real engine: output and exit code, the
// output cap, time-outs, OOM kills, pulls with a registry token, bind mounts; the container is
// always gone afterwards.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { exists, NODE, registryAuthFor, spec, useAgent } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const team = `to${suffix}`;
const { run, made } = useAgent();
made.networks.push(`berth_net_${team}`);
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

let n = 0;
function oneOff(cmd: string[], opts: { timeoutS?: number; over?: Parameters<typeof spec>[2]; pull?: ReturnType<typeof registryAuthFor> } = {}) {
  const name = `berth-test-oneoff-${suffix}-${++n}`;
  made.containers.push(name);
  const payload = {
    version: 1 as const,
    spec: spec(name, team, { cmd, ...opts.over }),
    timeoutS: opts.timeoutS ?? 30,
    ...(opts.pull ? { pull: opts.pull } : {}),
  };
  return { name, result: run("containerOneOff", payload, 90_000) };
}

describe("container.oneoff", () => {
  it("returns stdout and stderr with the exit code, and removes the container", async () => {
    const { name, result } = oneOff(["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 7"]);
    const res = await result;
    assert.equal(res.exitCode, 7);
    assert.equal(res.timedOut, false);
    assert.equal(res.oomKilled, false);
    assert.match(res.output, /to-stdout\n/);
    assert.match(res.output, /to-stderr\n/);
    assert.ok(res.durationMs > 0);
    assert.equal(await exists(name), false, "removed afterwards");
  });

  it("keeps only the last 64 KiB of a long output", async () => {
    const { result } = oneOff(["sh", "-c", "yes 0123456789abcdef | head -c 300000; echo; echo THE-END"]);
    const res = await result;
    assert.equal(res.exitCode, 0);
    assert.ok(res.output.length <= 64 * 1024 && res.output.length > 60 * 1024, `length ${res.output.length}`);
    assert.match(res.output, /THE-END\n$/);
  });

  it("kills a command that runs past its time-out", async () => {
    const { name, result } = oneOff(["sh", "-c", "echo before-sleep; sleep 60"], { timeoutS: 1 });
    const res = await result;
    assert.equal(res.timedOut, true);
    assert.equal(res.exitCode, null);
    assert.match(res.output, /before-sleep/);
    assert.ok(res.durationMs >= 1_000 && res.durationMs < 15_000, `took ${res.durationMs} ms`);
    assert.equal(await exists(name), false, "removed afterwards");
  });

  it("reports a command that allocates past its memory limit as OOM-killed", async () => {
    const { result } = oneOff(["node", "-e", "const a=[];for(;;)a.push(Buffer.alloc(1e6,1))"], {
      over: { image: NODE, limits: { memoryBytes: 64 * 1024 * 1024, pids: 64 } },
    });
    const res = await result;
    assert.equal(res.oomKilled, true);
    assert.equal(res.timedOut, false);
    assert.equal(res.exitCode, 137);
  });

  it("pulls the image first when given a registry token", async () => {
    const { result } = oneOff(["node", "-e", "console.log('node', process.version)"], { over: { image: NODE }, pull: registryAuthFor("berth/node", ["pull"]) });
    const res = await result;
    assert.equal(res.exitCode, 0);
    assert.match(res.output, /^node v\d+/);
  });

  it("mounts host paths, read-only when asked", async () => {
    const dir = await mkdtemp(join(tmpdir(), "berth-bind-"));
    dirs.push(dir);
    await writeFile(join(dir, "hello.txt"), "from the host\n");
    const ro = await oneOff(["sh", "-c", "cat /data/hello.txt; echo x > /data/new.txt || echo write-refused"], {
      over: { binds: [{ source: dir, target: "/data", readOnly: true }] },
    }).result;
    assert.match(ro.output, /from the host\n/);
    assert.match(ro.output, /Read-only file system/);
    assert.match(ro.output, /write-refused/);

    const rw = await oneOff(["sh", "-c", "echo from-the-container > /data/new.txt"], { over: { binds: [{ source: dir, target: "/data", readOnly: false }] } })
      .result;
    assert.equal(rw.exitCode, 0, rw.output);
    assert.equal(await readFile(join(dir, "new.txt"), "utf8"), "from-the-container\n");
  });

  it("refuses a bind of a host path that does not exist", async () => {
    const { result } = oneOff(["true"], { over: { binds: [{ source: `/nonexistent-${suffix}`, target: "/data", readOnly: true }] } });
    await assert.rejects(result, /bind source path does not exist/);
  });
});
