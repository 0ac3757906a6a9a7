// Long-running processes of the test network: each started in its own session, recorded in a pidfile
// ("pid start-time", which netns.sh cleanup reads after a killed run), and stopped by that pid only.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

export type Tracked = {
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<void>;
  stop(graceMs?: number): Promise<void>;
};

export type StartOptions = {
  argv: readonly string[];
  pidfile: string;
  /** stdout and stderr are appended here; without it they are pipes the caller reads. */
  logfile?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep stdin a pipe (a child that ends when its stdin closes, i.e. when the test process dies). */
  stdinPipe?: boolean;
};

export async function startTracked(opts: StartOptions): Promise<Tracked> {
  const [command, ...args] = opts.argv;
  if (!command) throw new Error("startTracked: empty argv");
  const log = opts.logfile ? openSync(opts.logfile, "a") : undefined;
  const child = spawn(command, args, {
    detached: true,
    env: opts.env ?? process.env,
    stdio: [opts.stdinPipe ? "pipe" : "ignore", log ?? "pipe", log ?? "pipe"],
  });
  if (log !== undefined) closeSync(log);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    throw new Error(`could not start ${command}`);
  }
  const start = startTime(pid);
  if (start !== undefined) await writeFile(opts.pidfile, `${pid} ${start}\n`);
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await Promise.race([exited, sleep(5_000)]);
      }
    }
    await rm(opts.pidfile, { force: true });
  };
  return { pid, child, exited, stop };
}

/** Field 22 of /proc/PID/stat; undefined once the process is gone. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether the process runs (a zombie has finished: pid 1 here reaps orphans slowly). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export type RunResult = { code: number | null; stdout: string; stderr: string };

/** Runs a command to its end (bounded by timeoutMs); a non-zero exit is a result, not an error. */
export function run(argv: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  const [command, ...args] = argv;
  if (!command) return Promise.reject(new Error("run: empty argv"));
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { timeout: opts.timeoutMs ?? 30_000, killSignal: "SIGKILL", env: opts.env ?? process.env, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like run, but a non-zero exit throws with the command's stderr. */
export async function mustRun(argv: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const res = await run(argv, opts);
  if (res.code !== 0) throw new Error(`${argv.join(" ")} exited ${res.code}: ${res.stderr.trim() || res.stdout.trim()}`);
  return res.stdout;
}

/** Polls `check` until it returns a value other than undefined, at most timeoutMs. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; ; i++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ""}`);
    await sleep(Math.min(50 * (i + 1), 250));
  }
}
