// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests.
import { type Access, errorBody, ROUTES } from "@berth/core";
import { z } from "zod";

const json = (schema: z.ZodType, io: "input" | "output") => z.toJSONSchema(schema, { io, unrepresentable: "any" });

function describeAccess(a: Access): string {
  switch (a.kind) {
    case "public":
      return "Public.";
    case "user":
      return a.scope === "any" ? "Any signed-in user or valid token." : `Any signed-in user; tokens need the \`${a.scope}\` scope.`;
    case "admin":
      return "Instance administrators; tokens need the `admin` scope.";
    case "team":
      return `Members of {team} whose role has \`${a.permission}\`.`;
  }
}

export function buildOpenApi(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, r] of Object.entries(ROUTES)) {
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query =
      "query" in r && r.query
        ? Object.entries((json(r.query, "input") as { properties?: Record<string, unknown> }).properties ?? {}).map(([n, schema]) => ({
            name: n,
            in: "query",
            required: false,
            schema,
          }))
        : [];
    const op: Record<string, unknown> = {
      operationId: name,
      summary: r.summary,
      description: describeAccess(r.access),
      parameters: [...pathParams, ...query],
      responses: {
        [r.status]:
          r.status === 204
            ? { description: "Done" }
            : "stream" in r && r.stream
              ? {
                  description: "A stream of newline-delimited JSON records, each of this shape",
                  content: { "application/x-ndjson": { schema: json(r.stream, "output") } },
                }
              : { description: "OK", ...("response" in r && r.response ? { content: { "application/json": { schema: json(r.response, "output") } } } : {}) },
        default: { description: "Error", content: { "application/json": { schema: json(errorBody, "output") } } },
      },
      ...(r.access.kind === "public" ? { security: [] } : {}),
    };
    if ("body" in r && r.body) op.requestBody = { required: true, content: { "application/json": { schema: json(r.body, "input") } } };
    const key = r.path;
    paths[key] = { ...(paths[key] ?? {}), [r.method.toLowerCase()]: op };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Berth API", version: "1", description: "Errors are `{ error: { code, message } }` with a stable `code`." },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "berth.session_token" },
        token: { type: "http", scheme: "bearer", description: "A personal access token (berth_pat_…)" },
      },
    },
    security: [{ session: [] }, { token: [] }],
    paths,
  };
}
