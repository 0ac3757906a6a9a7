// Structured JSON logs (pino). One root logger per process, one child per component.
// Secrets never go into log fields; the redact list is a second line of defence.
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(opts: { process: string; level?: string }): Logger {
  return pino({
    name: opts.process,
    level: opts.level ?? "info",
    base: { process: opts.process, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["password", "*.password", "token", "*.token", "secret", "*.secret", "authorization", "*.authorization", "headers.cookie", "env", "*.env"],
      censor: "[redacted]",
    },
  });
}
