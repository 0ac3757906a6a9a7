// The `berth` process: wires the real streams and environment into `run` and exits with its code.
import { environment } from "./config.ts";
import { run } from "./run.ts";

// `berth ... | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const onInterrupt = (handler: () => void) => {
  process.once("SIGINT", handler);
  return () => {
    process.off("SIGINT", handler);
  };
};

process.exitCode = await run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, onInterrupt }, environment());
