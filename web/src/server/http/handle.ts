// The one place where errors become HTTP: AppError -> its status and a stable JSON shape.
import { AppError, isAppError } from "@berth/core";
import { ctx } from "../context.ts";

export type ErrorBody = { error: { code: string; message: string } };

export function errorResponse(err: unknown): Response {
  if (isAppError(err)) return Response.json({ error: { code: err.code, message: err.message } } satisfies ErrorBody, { status: err.status });
  ctx().log.error({ err }, "unhandled error in route");
  return Response.json({ error: { code: "INTERNAL", message: "internal error" } } satisfies ErrorBody, { status: 500 });
}

/** Wrap a route handler so thrown errors map to JSON responses. */
export function route<A extends unknown[]>(handler: (req: Request, ...rest: A) => Promise<Response>) {
  return async (req: Request, ...rest: A): Promise<Response> => {
    try {
      return await handler(req, ...rest);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export { AppError };
