// The Engine API answers pulls and pushes with a stream of JSON lines (progress, `aux` results,
// and at most one `error`). Read it to its end; an error line becomes a thrown EngineStreamError.
export class EngineStreamError extends Error {
  override name = "EngineStreamError";
}

export type EngineMessage = { status?: string; error?: string; errorDetail?: { message?: string }; aux?: Record<string, unknown> };

/** Resolves with the `aux` objects the stream carried (a push's digest travels in one). */
export async function readEngineStream(stream: NodeJS.ReadableStream): Promise<Record<string, unknown>[]> {
  const aux: Record<string, unknown>[] = [];
  let pending = "";
  let failure: string | undefined;
  const take = (line: string) => {
    if (!line.trim()) return;
    let msg: EngineMessage;
    try {
      msg = JSON.parse(line) as EngineMessage;
    } catch {
      return; // not JSON: progress noise, nothing to act on
    }
    if (msg.error || msg.errorDetail?.message) failure ??= msg.errorDetail?.message ?? msg.error;
    if (msg.aux) aux.push(msg.aux);
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) take(line);
  }
  take(pending);
  if (failure !== undefined) throw new EngineStreamError(failure);
  return aux;
}

/**
 * The engine's own words from a dockerode or stream error, on one line: without docker-modem's
 * "(HTTP code 404) unexpected - " prefix, and a registry's "errors:" list joined with "; ".
 */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | null; message?: string };
  return String(e.json?.message ?? e.message ?? err)
    .replace(/^\(HTTP code \d+\)[^-]*- /, "")
    .replace(/^errors:\s*/, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("; ");
}

/** The registry's words for a token that does not grant what was asked. */
export const refusedByRegistry = (message: string): boolean => /denied|unauthori[sz]ed|authentication required/i.test(message);
