"use client";
// A team's outbound webhooks: add one (its signing secret is shown once), remove one, and read
// each one's recent deliveries. Only rendered for roles with `webhooks.manage`.
import type { webhook, webhookDelivery } from "@berth/core";
import { type FormEvent, useEffect, useId, useState } from "react";
import type { z } from "zod";
import { ConfirmButton } from "@/components/confirm-button";
import { CopyOnce } from "@/components/copy-once";
import { Badge, card, ErrorNote, inputClass, primaryButton, secondaryButton, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import type { Team } from "./team-view";

type Webhook = z.infer<typeof webhook>;
type Delivery = z.infer<typeof webhookDelivery>;

/** While a delivery is still being retried, its table refreshes itself this often. */
const PENDING_REFRESH_MS = 3000;

export function Webhooks({ team }: { team: Team }) {
  const hooks = useApi(() => api("listWebhooks", { params: { team: team.slug } }), `webhooks:${team.slug}`);
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const url = String(new FormData(formEl).get("url") ?? "").trim();
    setBusy(true);
    setError(undefined);
    try {
      const created = await api("createWebhook", { params: { team: team.slug }, body: { url, events: ["image.pushed"] } });
      formEl.reset();
      // The list never throws (useApi keeps its error); reload first so the secret and its row appear together.
      await hooks.reload();
      setSecret(created.secret);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(hook: Webhook) {
    setError(undefined);
    try {
      await api("deleteWebhook", { params: { team: team.slug, id: hook.id } });
    } catch (err) {
      setError(describeError(err));
    }
    await hooks.reload();
  }

  return (
    <section aria-labelledby="webhooks-heading" className="space-y-4" data-testid="webhooks">
      <div>
        <h2 id="webhooks-heading" className="text-lg font-semibold">
          Webhooks
        </h2>
        <p className="text-sm text-slate-500">
          Berth POSTs a JSON event to each URL when an image is pushed to {team.slug}, and retries with backoff until the receiver answers 2xx.
        </p>
      </div>
      <form onSubmit={create} className={`flex flex-wrap items-end gap-4 p-5 ${card}`} aria-label="Add webhook">
        <div className="min-w-72 flex-1">
          <label htmlFor="webhook-url" className="text-sm font-medium text-slate-700">
            Payload URL
          </label>
          <input
            id="webhook-url"
            name="url"
            type="url"
            required
            maxLength={2000}
            placeholder="https://example.com/hooks/berth"
            aria-describedby="webhook-events"
            className={inputClass}
          />
        </div>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Adding…" : "Add webhook"}
        </button>
        <p id="webhook-events" className="w-full text-xs text-slate-500">
          Events: <span className="font-mono">image.pushed</span> (a tag was pushed to one of the team's repositories).
        </p>
      </form>
      {error && <ErrorNote testId="webhook-error">{error}</ErrorNote>}
      {secret && (
        <CopyOnce
          testId="webhook-secret"
          label="Signing secret"
          value={secret}
          warning="Copy this secret now: it is shown only once. Every delivery carries the header X-Berth-Signature-256: sha256=<HMAC-SHA256 of the raw body>, keyed with this secret. Compute it over the request body exactly as received and compare in constant time before trusting the event."
          onDone={() => setSecret(undefined)}
        />
      )}
      {hooks.error && <ErrorNote testId="webhooks-error">{describeError(hooks.error)}</ErrorNote>}
      {hooks.data &&
        (hooks.data.webhooks.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="webhooks-empty">
            No webhooks yet.
          </p>
        ) : (
          <ul className="space-y-3" data-testid="webhook-list">
            {hooks.data.webhooks.map((h) => (
              <WebhookItem key={h.id} team={team.slug} hook={h} onDelete={() => remove(h)} />
            ))}
          </ul>
        ))}
    </section>
  );
}

function WebhookItem({ team, hook, onDelete }: { team: string; hook: Webhook; onDelete: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <li className={`p-4 ${card}`} data-testid="webhook-row" data-url={hook.url}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1 space-y-1">
          <p className="break-all font-mono text-sm text-slate-800" data-testid="webhook-url">
            {hook.url}
          </p>
          <p className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
            {hook.events.map((e) => (
              <Badge key={e}>{e}</Badge>
            ))}
            {!hook.active && <Badge tone="amber">inactive</Badge>}
            <span>
              added <When iso={hook.createdAt} />
            </span>
          </p>
        </div>
        <div className="flex items-start gap-2">
          <button
            type="button"
            className={secondaryButton}
            aria-expanded={open}
            aria-controls={panelId}
            aria-label={`Recent deliveries to ${hook.url}`}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? "Hide deliveries" : "Recent deliveries"}
          </button>
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete webhook ${hook.url}`}
            question="Delete this webhook?"
            confirmLabel="Yes, delete"
            onConfirm={onDelete}
          />
        </div>
      </div>
      {open && (
        <div id={panelId} className="mt-4">
          <Deliveries team={team} hook={hook} />
        </div>
      )}
    </li>
  );
}

const STATUS_TONE = { delivered: "emerald", pending: "amber", failed: "red" } as const satisfies Record<Delivery["status"], string>;

function Deliveries({ team, hook }: { team: string; hook: Webhook }) {
  const deliveries = useApi(() => api("listDeliveries", { params: { team, id: hook.id } }), `deliveries:${hook.id}`);
  const pending = deliveries.data?.deliveries.some((d) => d.status === "pending") ?? false;
  const { reload } = deliveries;

  // Retries finish on their own; refresh while any is still open so the table does not go stale.
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void reload(), PENDING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [pending, reload]);

  return (
    <div className="space-y-2" data-testid="deliveries">
      <div className="flex items-center justify-between gap-3">
        <h3 className="text-sm font-semibold text-slate-700">Recent deliveries</h3>
        <button type="button" className={secondaryButton} onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {deliveries.error && <ErrorNote testId="deliveries-error">{describeError(deliveries.error)}</ErrorNote>}
      {!deliveries.data && !deliveries.error && <p className="text-sm text-slate-500">Loading…</p>}
      {deliveries.data &&
        (deliveries.data.deliveries.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="deliveries-empty">
            Nothing delivered yet. Push an image to one of the team's repositories to send an event.
          </p>
        ) : (
          <TableFrame testId="deliveries-table">
            <thead className={theadClass}>
              <tr>
                <th className="px-4 py-3">Status</th>
                <th className="px-4 py-3">Event</th>
                <th className="px-4 py-3 text-right">Response</th>
                <th className="px-4 py-3 text-right">Attempts</th>
                <th className="px-4 py-3">Created</th>
                <th className="px-4 py-3">Finished</th>
                <th className="px-4 py-3">Error</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.data.deliveries.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                  <td className="px-4 py-3" data-testid="delivery-status">
                    <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
                  </td>
                  <td className="px-4 py-3 font-mono text-xs">{d.event}</td>
                  <td className="px-4 py-3 text-right tabular-nums" data-testid="delivery-code">
                    {d.responseCode ?? <span className="text-slate-400">—</span>}
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{d.attempts}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-500">
                    <When iso={d.createdAt} />
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-500">
                    <When iso={d.finishedAt} />
                  </td>
                  <td className="max-w-64 break-words px-4 py-3 text-xs text-red-700" data-testid="delivery-error">
                    {d.error ?? <span className="text-slate-400">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableFrame>
        ))}
    </div>
  );
}
