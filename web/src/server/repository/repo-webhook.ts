// POST /api/v1/hooks/apps/{appId}: a GitHub-compatible push webhook. The HMAC-SHA256 of the raw
// body with the app's secret (`X-Hub-Signature-256: sha256=<hex>`) is the only authentication, so
// every failure — unknown app, no repository or secret, bad signature — gets the same 401 and
// counts against the sender's address. A push to the repository's branch deploys the pushed commit.
import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@berth/core";
import { open } from "@berth/core/secret-box";
import type { AppDeps } from "../apps/app-deps.ts";
import { isPrivilegedApp, requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { consume, LIMITS, refuseIfExhausted } from "../limits/rate-limit.ts";
import { startRepoBuild } from "./repo-build.ts";

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export type WebhookRequest = { appId: string; headers: Headers; body: Buffer; ip: string };

export async function repoWebhook(deps: AppDeps, req: WebhookRequest): Promise<{ status: number; body: Record<string, unknown> }> {
  const limit = LIMITS.badWebhookPerIp(req.ip);
  await refuseIfExhausted(deps.redis, limit, "too many webhook deliveries with a bad signature; try again later");
  const refuse = async (): Promise<never> => {
    await consume(deps.redis, limit, "webhook deliveries with a bad signature");
    throw new AppError("UNAUTHENTICATED", "bad signature");
  };
  const app = /^[0-9a-f-]{36}$/.test(req.appId) ? await deps.db.app.findUnique({ where: { id: req.appId } }) : null;
  if (!app?.repoUrl || !app.webhookSecret) return refuse();
  const given = /^sha256=([0-9a-f]{64})$/i.exec(req.headers.get("x-hub-signature-256") ?? "")?.[1];
  const expected = createHmac("sha256", open(deps.settings.encryptionKey, app.webhookSecret)).update(req.body).digest();
  if (!given || !timingSafeEqual(Buffer.from(given.toLowerCase(), "hex"), expected)) return refuse();

  const event = req.headers.get("x-github-event") ?? "";
  const delivery = (req.headers.get("x-github-delivery") ?? "").slice(0, 100) || null;
  if (event === "ping") return { status: 200, body: { ok: true } };
  if (event !== "push") return { status: 202, body: { ignored: `not a push event (${event.slice(0, 40) || "none"})` } };
  let payload: { ref?: unknown; after?: unknown; deleted?: unknown };
  try {
    payload = JSON.parse(req.body.toString("utf8")) as typeof payload;
  } catch {
    throw new AppError("BAD_REQUEST", "the body is not JSON (set the webhook's content type to application/json)");
  }
  const branch = app.repoBranch ?? app.deployBranch;
  if (payload.ref !== `refs/heads/${branch}`) return { status: 202, body: { ignored: "not the deploy branch" } };
  const after = typeof payload.after === "string" ? payload.after : "";
  if (payload.deleted === true || /^0+$/.test(after)) return { status: 202, body: { ignored: "the branch was deleted" } };
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(after)) throw new AppError("BAD_REQUEST", '"after" is not a commit id');

  if (isPrivilegedApp(app.config)) {
    // No one is behind a webhook: an app with host mounts is deployed by an instance admin only.
    await recordAudit(deps.db, {
      action: "app.webhook_refused",
      actorId: null,
      teamId: app.teamId,
      target: app.name,
      ipAddress: req.ip,
      data: { delivery, commit: after, why: "the app mounts host paths or the Docker socket" },
    });
    requireAdminForPrivilegedApp(null, app, "deploy it");
  }
  const d = await startRepoBuild(deps, {
    app: { ...app, repoUrl: app.repoUrl },
    ref: after,
    actor: { userId: null, ip: req.ip },
    audit: { via: "webhook", delivery },
  });
  await recordAudit(deps.db, {
    action: "app.webhook_deploy",
    actorId: null,
    teamId: app.teamId,
    target: app.name,
    ipAddress: req.ip,
    data: { delivery, deploymentId: d.id, commit: after },
  });
  return { status: 202, body: { deploymentId: d.id } };
}

/** The raw body, refused past MAX_WEBHOOK_BODY_BYTES without reading the rest into memory. */
export async function readRawBody(req: Request): Promise<Buffer> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BODY_BYTES) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_WEBHOOK_BODY_BYTES) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `a webhook body may be at most ${MAX_WEBHOOK_BODY_BYTES / 1024} KiB`);
