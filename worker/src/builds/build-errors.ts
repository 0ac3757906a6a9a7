// Turns what the engine says about a failed build into a message a user can act on: which step
// failed and why, in words that fit Berth (base images are pulled from Berth's own registry before the build).

/** A build that ended for a reason the user can act on; its message is stored on the build row. */
export class BuildFailure extends Error {
  constructor(
    message: string,
    readonly outcome: "failed" | "cancelled" = "failed",
  ) {
    super(message);
    this.name = "BuildFailure";
  }
}

const STEP_LINE = /^Step \d+\/\d+ : /;

/** Remembers the last `Step N/M : …` line of the classic builder's output. */
export function stepTracker() {
  let current: string | undefined;
  return {
    see(line: string): void {
      if (STEP_LINE.test(line)) current = line.trim();
    },
    get current(): string | undefined {
      return current;
    },
  };
}

/** Longest message stored on a build row. */
export const MAX_ERROR_CHARS = 2_000;

// Errors of a pull: unknown repository or tag, no access, or a registry that cannot be reached.
const PULL_FAILED =
  /pull access denied|manifest for .* not found|manifest unknown|repository does not exist|not found: does not exist|no such host|dial tcp|connection refused|i\/o timeout|server gave HTTP response|TLS handshake|requested access to the resource is denied/i;

/** Where a build's images come from, for a FROM step that still failed to find one. */
export const registryHint = (registryHost: string) =>
  `the build uses only images pulled from Berth's registry at ${registryHost} before it starts (those of other registries are copied there first)`;

/** The image a `FROM` step names (flags like --platform skipped). */
export function fromImage(step: string): string | undefined {
  return step.match(/^Step \d+\/\d+ : FROM\s+(?:--\S+\s+)*(\S+)/i)?.[1];
}

/** The message for a build the engine reported as failed, from the last step seen and the engine's error. */
export function describeBuildFailure(opts: { step?: string; error: string; registryHost: string }): string {
  const error = opts.error.trim().replace(/\s+$/, "");
  const { step, registryHost } = opts;
  if (!step) return cap(beforeFirstStep(error));

  const image = fromImage(step);
  if (image && PULL_FAILED.test(error)) {
    const hint = registryHint(registryHost);
    const ours = image.startsWith(`${registryHost}/`);
    if (ours && /denied/i.test(error)) {
      return cap(`${step} failed: base image ${image} not found, or not readable by builds (base images must be in berth/ or a public repository); ${hint}`);
    }
    return cap(`${step} failed: base image ${image} not found; ${hint}`);
  }
  return cap(`${step} failed: ${error}`);
}

// Errors the engine gives before it runs any step: the Dockerfile or the context itself is wrong.
function beforeFirstStep(error: string): string {
  const dockerfile = error.match(/Cannot locate specified Dockerfile: (.*)/i);
  if (dockerfile)
    return dockerfile[1] === "Dockerfile" ? "no Dockerfile at the root of the build context" : `no Dockerfile at ${dockerfile[1]} in the build context`;
  const syntax = error.match(/dockerfile parse error line (\d+): (.*)/i);
  if (syntax) return `Dockerfile syntax error on line ${syntax[1]}: ${syntax[2]}`;
  if (/cannot be empty/i.test(error)) return "the Dockerfile is empty";
  if (/no build stage in current context/i.test(error)) return "the Dockerfile has no FROM line before its first instruction";
  if (/unexpected EOF|archive\/tar|invalid tar header|gzip: invalid header/i.test(error)) return `the build context is not a readable tar archive (${error})`;
  return error;
}

const cap = (s: string) => (s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS - 1)}…` : s);

/** The engine's own message from a dockerode error, without dockerode's "(HTTP code 400) unexpected - " prefix. */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: unknown } | null; message?: unknown };
  if (e?.json && typeof e.json.message === "string") return e.json.message;
  const message = typeof e?.message === "string" ? e.message : String(err);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}

/** Whether the engine answered the request (a status code), as opposed to not being reachable at all. */
export const engineAnswered = (err: unknown): boolean => typeof (err as { statusCode?: unknown })?.statusCode === "number";
