// A typed client for Berth's REST API, built on the route table in @berth/core: the route name
// gives the method, the path (with its `{param}`s), the body type and the response schema.
import { type Body, errorBody, type Reply, ROUTES, type RouteDef, type RouteName, routePath, type StreamRecord } from "@berth/core";
import { CliError, exitCodeForStatus } from "./errors.ts";

type PathOf<N extends RouteName> = (typeof ROUTES)[N]["path"];
type ParamNames<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | ParamNames<Rest> : never;

/** Params are required exactly when the path has placeholders; a body exactly when the route takes one. */
export type CallInput<N extends RouteName> = ([ParamNames<PathOf<N>>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<PathOf<N>>, string> }) &
  ([Body<N>] extends [never] ? { body?: undefined } : { body: Body<N> }) &
  ((typeof ROUTES)[N] extends { query: unknown } ? { query?: Record<string, string | number | undefined> } : { query?: undefined }) & {
    /** For calls that wait on purpose (`berth run`): overrides the client's timeout. */
    timeoutMs?: number;
  };

/** A raw request body: a file as a Blob (its size becomes Content-Length) and its media type. */
export type RawBody = { body: Blob; contentType: string };

/** `data` is the response checked against the route's schema; `raw` is the JSON as the server sent it (for --json). */
export type CallResult<N extends RouteName> = { data: Reply<N>; raw: unknown };

export type ApiClientOptions = {
  /** The instance's base URL, e.g. `http://localhost:8080` (no trailing slash). */
  url: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  userAgent?: string;
};

export class ApiClient {
  readonly url: string;
  private readonly token: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(opts: ApiClientOptions) {
    this.url = opts.url.replace(/\/+$/, "");
    this.token = opts.token;
    this.fetch = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.userAgent = opts.userAgent ?? "berth-cli";
  }

  async call<N extends RouteName>(name: N, ...[input]: object extends CallInput<N> ? [CallInput<N>?] : [CallInput<N>]): Promise<CallResult<N>> {
    const { params, body, query, timeoutMs } = (input ?? {}) as {
      params?: Record<string, string>;
      body?: unknown;
      query?: Record<string, string | number | undefined>;
      timeoutMs?: number;
    };
    return this.send(name, { params, query, timeoutMs, ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: "application/json" }) });
  }

  /** Sends a raw body (a build context) to a route that takes one, e.g. uploadBuild. */
  async upload<N extends RouteName>(name: N, input: { params: Record<string, string>; raw: RawBody; timeoutMs?: number }): Promise<CallResult<N>> {
    return this.send(name, { params: input.params, body: input.raw.body, contentType: input.raw.contentType, timeoutMs: input.timeoutMs });
  }

  /**
   * Calls a route that answers a stream of NDJSON records (`stream` in its definition) and yields
   * each record, checked, as it arrives; blank lines (keep-alives) are skipped. The client's timeout
   * bounds the wait for the answer to start, not the stream. Ends when the server closes it; aborting
   * `signal` ends it early (the abort error is thrown).
   */
  async *stream<N extends RouteName>(
    name: N,
    input: { params: Record<string, string>; query?: Record<string, string | number | undefined>; signal?: AbortSignal },
  ): AsyncGenerator<StreamRecord<N>, void, undefined> {
    const route: RouteDef = ROUTES[name];
    const url = new URL(this.url + routePath(route.path, input.params));
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const where = `${route.method} ${url.pathname}`;
    const start = new AbortController();
    const timer = setTimeout(() => start.abort(new DOMException("no answer", "TimeoutError")), this.timeoutMs);
    const signal = input.signal ? AbortSignal.any([start.signal, input.signal]) : start.signal;
    const headers = { accept: "application/x-ndjson", authorization: `Bearer ${this.token}`, "user-agent": this.userAgent };
    let res: Response;
    try {
      res = await this.fetch(url, { method: route.method, headers, signal });
    } catch (err) {
      if (input.signal?.aborted) throw err;
      throw new CliError(`could not reach ${this.url}: ${networkReason(start.signal.aborted ? start.signal.reason : err, this.timeoutMs)}`);
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      throw apiError(res, parseJson(text), where, this.url);
    }
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line === "") continue;
          const checked = route.stream?.safeParse(parseJson(line));
          if (!checked?.success) throw new CliError(`unexpected record from ${where}; the server and this CLI may be different versions`);
          yield checked.data as StreamRecord<N>;
        }
      }
    } catch (err) {
      if (err instanceof CliError || input.signal?.aborted) throw err;
      throw new CliError(`lost the connection to ${this.url}: ${networkReason(err, this.timeoutMs)}`);
    } finally {
      // Stopped early (or failed): close the connection rather than leave the stream open.
      reader.cancel().catch(() => {});
    }
  }

  private async send<N extends RouteName>(
    name: N,
    input: {
      params?: Record<string, string>;
      query?: Record<string, string | number | undefined>;
      body?: string | Blob;
      contentType?: string;
      timeoutMs?: number;
    },
  ): Promise<CallResult<N>> {
    const route: RouteDef = ROUTES[name];
    const url = new URL(this.url + routePath(route.path, input.params));
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const where = `${route.method} ${url.pathname}`;
    const timeoutMs = input.timeoutMs ?? this.timeoutMs;

    const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${this.token}`, "user-agent": this.userAgent };
    if (input.contentType) headers["content-type"] = input.contentType;
    let res: Response;
    try {
      res = await this.fetch(url, { method: route.method, headers, body: input.body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new CliError(`could not reach ${this.url}: ${networkReason(err, timeoutMs)}`);
    }

    const text = await res.text().catch(() => "");
    const json = parseJson(text);
    if (!res.ok) throw apiError(res, json, where, this.url);
    if (text === "") return { data: undefined as Reply<N>, raw: undefined };
    if (json === undefined) throw new CliError(`${this.url} answered ${where} with something that is not JSON; is this a Berth server?`);
    if (!route.response) return { data: json as Reply<N>, raw: json };
    const checked = route.response.safeParse(json);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const detail = issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unexpected shape";
      throw new CliError(`unexpected response to ${where} (${detail}); the server and this CLI may be different versions`);
    }
    return { data: checked.data as Reply<N>, raw: json };
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Turns an error response into a CliError with the API's code, message and the matching exit code. */
export function apiError(res: { status: number; headers: Headers }, json: unknown, where: string, baseUrl: string): CliError {
  const parsed = errorBody.safeParse(json);
  if (!parsed.success) {
    // Not the API's error shape: a proxy error page, or not Berth at all. The status alone would
    // mislead (a 404 here means "no API at this URL", not "no such team").
    if (res.status >= 500) return new CliError(`${baseUrl} answered ${where} with HTTP ${res.status}: Berth is down or restarting there; try again shortly`);
    return new CliError(`${baseUrl} answered ${where} with HTTP ${res.status}, not a Berth API error; check the URL`);
  }
  const { code, message, issues } = parsed.data.error;
  let text = message;
  // The message of a 400 already lists the issues; add them only when it does not.
  if (issues?.length && !issues.every((i) => message.includes(i.message))) text += `: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`;
  const retryAfter = res.headers.get("retry-after");
  if (res.status === 429 && retryAfter) text += ` (retry in ${retryAfter}s)`;
  return new CliError(text, { exitCode: exitCodeForStatus(res.status), code });
}

/** A short reason for a failed fetch: undici hides the useful part in `cause`. */
export function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${Math.round(timeoutMs / 1000)}s`;
  const code = e?.cause?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (is Berth running there?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "ECONNRESET":
      return "connection reset";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
  }
  if (code?.startsWith("ERR_TLS") || code?.includes("CERT")) return `TLS error (${e.cause?.message ?? code})`;
  return e?.cause?.message ?? e?.message ?? String(err);
}
