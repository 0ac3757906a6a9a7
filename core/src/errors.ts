// Errors carry a stable code; each boundary (HTTP, socket, CLI, job) maps the code once.
// Errors that cross a queue travel in their wire form (`toWire` / `fromWire`), so the code
// survives the hop instead of being parsed back out of a message.
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Marks a failure reason that carries an AppError (BullMQ keeps only a job's failure message). */
const WIRE_PREFIX = "berth-error:";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CODES[this.code];
  }
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
  /** The error as one string, for a queue's failure reason. */
  toWire(): string {
    return `${WIRE_PREFIX}${JSON.stringify(this.toJSON())}`;
  }
  /** The AppError a `toWire` string carries, or null for any other text. */
  static fromWire(text: string, details?: unknown): AppError | null {
    if (!text.startsWith(WIRE_PREFIX)) return null;
    try {
      const { code, message } = JSON.parse(text.slice(WIRE_PREFIX.length)) as { code?: unknown; message?: unknown };
      if (typeof code !== "string" || !(code in ERROR_CODES) || typeof message !== "string") return null;
      return new AppError(code as ErrorCode, message, details);
    } catch {
      return null;
    }
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
