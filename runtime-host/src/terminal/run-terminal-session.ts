// One terminal session on this host: a shell started with `docker exec` (TTY) in a running
// container Berth manages, its output published on the session's `out` channel and the
// browser's keystrokes, resizes and pings applied from the `in` channel. Ends when the shell
// exits, when web asks (close), or after TERMINAL_IDLE_MS without input or ping; the last
// message is always `exit`. Input and output are never logged.
import type { Duplex } from "node:stream";
import { AppError } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import { TERMINAL_IDLE_MS, type TerminalIn, type TerminalOpen, type TerminalOut } from "@berth/core/logs";
import type Docker from "dockerode";
import { engineMessage } from "../containers/engine-stream.ts";
import { inspectManaged } from "../containers/managed-container.ts";
import { createOutputPump } from "./output-pump.ts";

/** Output is held this long to coalesce small reads (a keystroke's echo still feels immediate). */
const OUTPUT_FLUSH_MS = 4;
const OUTPUT_MAX_CHARS = 32 * 1024;
/** After a hang-up, how long the shell has before it is killed, and the stream before it is dropped. */
const HANGUP_GRACE_MS = 3_000;
const DROP_AFTER_MS = 6_000;
/** How long the engine may take to report an exec stopped once its stream ended. */
const EXIT_POLL = { tries: 20, everyMs: 100 } as const;
const PID_POLL = { tries: 20, everyMs: 50 } as const;

export type TerminalSession = {
  handle: (msg: TerminalIn) => void;
  /** Hangs the shell up at once, synchronously (this process is exiting: nothing async runs any more). */
  hangUpNow: () => void;
  done: Promise<void>;
};
type Deps = { docker: Docker; publish: (msg: TerminalOut) => void; log: Logger; idleMs?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function runTerminalSession(deps: Deps, open: TerminalOpen): TerminalSession {
  const { docker, publish, log } = deps;
  const idleMs = deps.idleMs ?? TERMINAL_IDLE_MS;
  let closeReason: string | null = null;
  let exec: Docker.Exec | undefined;
  let stream: Duplex | undefined;
  let idle: NodeJS.Timeout | undefined;
  let ended = false;
  /** The shell's pid on this host, once known. */
  let pid = 0;
  // What web may send before the shell is up: only a close matters then.
  let pendingResize: { cols: number; rows: number } | undefined;

  const touch = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => hangUp(`closed after ${Math.round(idleMs / 1000)} s without input`), idleMs);
  };

  /** Ends the shell the way a terminal does when its line drops: SIGHUP, then SIGKILL. */
  const hangUp = (reason: string) => {
    if (ended || closeReason) return;
    closeReason = reason;
    if (!exec || !stream) return; // still starting: checked once the exec is up
    void signalExec(exec, "SIGHUP", log).then(async () => {
      await sleep(HANGUP_GRACE_MS);
      if (ended) return;
      await signalExec(exec as Docker.Exec, "SIGKILL", log);
      await sleep(DROP_AFTER_MS - HANGUP_GRACE_MS);
      if (!ended) stream?.destroy();
    });
  };

  const handle = (msg: TerminalIn) => {
    switch (msg.type) {
      case "input":
        touch();
        if (stream && !ended && stream.writable) stream.write(msg.data);
        break;
      case "resize":
        touch();
        if (exec && !ended) void exec.resize({ h: msg.rows, w: msg.cols }).catch(() => {});
        else pendingResize = { cols: msg.cols, rows: msg.rows };
        break;
      case "ping":
        touch();
        break;
      case "close":
        hangUp("closed");
        break;
      default: {
        const never: never = msg;
        log.warn({ type: (never as { type: string }).type }, "ignored a terminal message of an unknown type");
      }
    }
  };

  const done = (async () => {
    touch();
    try {
      const info = await inspectManaged(docker, open.container);
      if (!info.State.Running) throw new AppError("CONFLICT", `container ${open.container} is not running`);
      exec = await docker.getContainer(info.Id).exec({
        Cmd: open.cmd,
        Tty: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Env: ["TERM=xterm-256color"],
      });
      stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
    } catch (err) {
      if (idle) clearTimeout(idle);
      ended = true;
      publish({ type: "exit", exitCode: null, reason: engineMessage(err) });
      return;
    }
    const s = stream;
    const e = exec;
    // An exec that failed to start (no such binary) is gone already: its resize answers 404.
    void learnPid(e).then((p) => {
      pid = p;
    });
    const size = pendingResize ?? open;
    await e.resize({ h: size.rows, w: size.cols }).catch(() => {});
    publish({ type: "ready" });

    // The first bytes say why a command could not start ("OCI runtime exec failed: …").
    let head = "";
    const pump = createOutputPump({ emit: (data) => publish({ type: "output", data }), flushMs: OUTPUT_FLUSH_MS, maxChars: OUTPUT_MAX_CHARS });
    const finished = new Promise<void>((resolve) => {
      s.on("data", (chunk: Buffer) => {
        if (head.length < 512) head += chunk.toString("utf8");
        pump.push(chunk);
      });
      s.once("end", resolve);
      s.once("close", resolve);
      s.once("error", (err) => {
        log.warn({ session: open.sessionId, err: err.message }, "terminal stream failed");
        resolve();
      });
    });
    if (closeReason) {
      const reason = closeReason;
      closeReason = null;
      hangUp(reason);
    }
    await finished;
    ended = true;
    if (idle) clearTimeout(idle);
    pump.end();
    s.destroy();
    const exitCode = await exitCodeOf(e);
    const cannotStart = exitCode !== null && (exitCode === 126 || exitCode === 127) && /exec failed: (.*)/.exec(head);
    const reason = cannotStart ? `${open.cmd[0]} cannot be started in this container: ${cannotStart[1]?.trim()}` : closeReason;
    publish({ type: "exit", exitCode, reason });
  })().catch((err) => {
    // Unexpected (the engine went away mid-session): web still hears that the session is over.
    ended = true;
    if (idle) clearTimeout(idle);
    log.error({ session: open.sessionId, err: engineMessage(err) }, "terminal session failed");
    publish({ type: "exit", exitCode: null, reason: "the session failed on its host" });
  });

  const hangUpNow = () => {
    if (ended || !pid) return;
    try {
      process.kill(pid, "SIGHUP");
    } catch {
      // already gone
    }
  };

  return { handle, hangUpNow, done };
}

/** The engine reports the pid only once the process runs, a moment after the stream is up. */
async function learnPid(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < PID_POLL.tries; i++) {
    const info = await exec.inspect().catch(() => null);
    if (info?.Pid) return info.Pid;
    await sleep(PID_POLL.everyMs);
  }
  return 0;
}

async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let i = 0; i < EXIT_POLL.tries; i++) {
    const info = await exec.inspect().catch(() => null);
    if (!info) return null;
    if (!info.Running) return info.ExitCode ?? null;
    await sleep(EXIT_POLL.everyMs);
  }
  return null;
}

/**
 * The Engine API cannot signal an exec, and a dropped connection leaves a TTY shell running: the
 * exec's process is signalled by its pid on this host (the engine reports it in the host's pid
 * namespace, which the runtime-host shares with dockerd).
 */
async function signalExec(exec: Docker.Exec, signal: NodeJS.Signals, log: Logger): Promise<void> {
  const info = await exec.inspect().catch(() => null);
  if (!info?.Running || !info.Pid) return;
  try {
    process.kill(info.Pid, signal);
  } catch (err) {
    log.warn({ pid: info.Pid, signal, err: (err as Error).message }, "could not signal a terminal's shell");
  }
}
