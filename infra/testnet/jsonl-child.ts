// A child process that speaks JSON lines: commands on its stdin, replies and events on its stdout.
// Its stdin is a pipe from the test process, so it ends by itself when the test process dies.
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startTracked, type Tracked } from "./processes.ts";

export type Message = Record<string, unknown>;

export type JsonLinesChild = {
  tracked: Tracked;
  /** The first message the child printed (it prints one when it is ready). */
  ready: Message;
  /** Sends a command with a fresh id and resolves with the reply carrying that id. */
  call(command: Message, timeoutMs?: number): Promise<Message>;
  stop(): Promise<void>;
};

const tsx = import.meta.resolve("tsx");

/** The argv that runs one of this folder's TypeScript entry points with this Node. */
export function nodeScript(file: string, args: readonly string[]): string[] {
  return [process.execPath, "--import", tsx, fileURLToPath(new URL(file, import.meta.url)), ...args];
}

export async function startJsonLinesChild(opts: {
  argv: readonly string[];
  pidfile: string;
  onEvent?: (msg: Message) => void;
  readyTimeoutMs?: number;
}): Promise<JsonLinesChild> {
  const tracked = await startTracked({ argv: opts.argv, pidfile: opts.pidfile, stdinPipe: true });
  const { child } = tracked;
  const pending = new Map<number, (msg: Message) => void>();
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4_000);
  });
  let onReady: (msg: Message) => void = () => {};
  const ready = new Promise<Message>((resolve) => {
    onReady = resolve;
  });
  let first = true;
  if (!child.stdout) throw new Error("startJsonLinesChild: no stdout pipe");
  createInterface({ input: child.stdout }).on("line", (line) => {
    let msg: Message;
    try {
      msg = JSON.parse(line) as Message;
    } catch {
      return;
    }
    if (first) {
      first = false;
      onReady(msg);
    } else if (typeof msg.id === "number" && pending.has(msg.id)) {
      pending.get(msg.id)?.(msg);
      pending.delete(msg.id);
    } else {
      opts.onEvent?.(msg);
    }
  });
  // An error on the pipe (the child gone) must not become an uncaught exception in the test.
  child.stdin?.on("error", () => {});

  const timeoutMs = opts.readyTimeoutMs ?? 15_000;
  const outcome = await Promise.race([
    ready,
    tracked.exited.then(() => new Error(`exited before it was ready: ${stderr.trim()}`)),
    new Promise<Error>((resolve) => setTimeout(() => resolve(new Error(`not ready within ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs).unref()),
  ]);
  if (outcome instanceof Error) {
    await tracked.stop();
    throw new Error(`${opts.argv.join(" ")}: ${outcome.message}`);
  }

  let nextId = 1;
  const call = (command: Message, callTimeoutMs = 5_000) =>
    new Promise<Message>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`no reply to ${JSON.stringify(command)} within ${callTimeoutMs} ms`));
      }, callTimeoutMs);
      pending.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.error) reject(new Error(String(msg.error)));
        else resolve(msg);
      });
      child.stdin?.write(`${JSON.stringify({ ...command, id })}\n`);
    });
  return { tracked, ready: outcome, call, stop: () => tracked.stop() };
}

/** For the child's side: reads commands from stdin, answers each, exits when stdin ends. */
export function serveJsonLines(handle: (command: Message) => Message | Promise<Message>, onEnd: () => void): void {
  createInterface({ input: process.stdin }).on("line", async (line) => {
    let command: Message;
    try {
      command = JSON.parse(line) as Message;
    } catch {
      return;
    }
    try {
      emit({ ...(await handle(command)), id: command.id });
    } catch (err) {
      emit({ id: command.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
  process.stdin.on("end", onEnd);
}

export function emit(msg: Message): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}
