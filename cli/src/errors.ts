// What can go wrong in the CLI, and the exit code each failure ends with. Scripts rely on these
// codes, so they are listed in `berth --help` and never change meaning.
export const EXIT = {
  ok: 0,
  /** The API refused the request (400, 409, 429, 5xx...), or it could not be reached. */
  failure: 1,
  /** Unknown command or option, missing or malformed argument. */
  usage: 2,
  /** No saved login, or the token was rejected (401). */
  unauthenticated: 3,
  /** The token or the user's role does not allow it (403). */
  forbidden: 4,
  /** No such team, member, invitation or token, or not visible to this user (404). */
  notFound: 5,
  /** Ctrl-C at a prompt, or while following a deployment (which goes on). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** The API's error code (`NOT_FOUND`, `CONFLICT`...), when the API sent one. */
  readonly code: string | undefined;
  /** A second line telling the user what to do about it. */
  readonly hint: string | undefined;

  constructor(message: string, opts: { exitCode?: ExitCode; code?: string; hint?: string } = {}) {
    super(message);
    this.name = "CliError";
    this.exitCode = opts.exitCode ?? EXIT.failure;
    this.code = opts.code;
    this.hint = opts.hint;
  }
}

/** A mistake on the command line: exit 2, with a pointer to the relevant help. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.usage, ...(hint ? { hint } : {}) });
    this.name = "UsageError";
  }
}

/** The exit code for an HTTP error status from the API. */
export function exitCodeForStatus(status: number): ExitCode {
  switch (status) {
    case 401:
      return EXIT.unauthenticated;
    case 403:
      return EXIT.forbidden;
    case 404:
      return EXIT.notFound;
    default:
      return EXIT.failure;
  }
}

/** What to print and which code to exit with, for anything thrown while running a command. */
export function describeFailure(err: unknown): { message: string; hint: string | undefined; exitCode: ExitCode } {
  if (err instanceof CliError) return { message: err.message, hint: err.hint, exitCode: err.exitCode };
  // A bug in the CLI itself: still one line, no stack trace unless BERTH_DEBUG is set.
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected failure: ${message}`, hint: "set BERTH_DEBUG=1 to see where it happened", exitCode: EXIT.failure };
}
