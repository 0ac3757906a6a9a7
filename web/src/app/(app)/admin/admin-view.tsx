"use client";
import { useCallback, useState } from "react";
import { AuditTable } from "@/components/audit-table";
import { card, ErrorNote, inputClass, primaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";

export function AdminView() {
  const loadAudit = useCallback((before?: string) => api("adminAudit", { query: { limit: 100, before } }), []);
  return (
    <div className="space-y-10">
      <InstanceSettings />
      <section aria-labelledby="instance-audit">
        <h2 id="instance-audit" className="mb-3 text-lg font-semibold">
          Instance audit log
        </h2>
        <AuditTable load={loadAudit} showTeam />
      </section>
    </div>
  );
}

type Settings = Awaited<ReturnType<typeof getSettings>>;
const getSettings = () => api("getSettings");

/** The quotas per team, in the order the form shows them. */
const QUOTAS = [
  { key: "maxConcurrentBuilds", label: "Concurrent builds", hint: "queued or running builds per team", min: 1 },
  { key: "maxReplicas", label: "Replicas", hint: "summed over a team's apps", min: 1 },
  { key: "maxVolumes", label: "Volumes", hint: "named volumes over a team's apps", min: 0 },
  { key: "maxStorageMiB", label: "Registry storage (MiB)", hint: "a team's images; pushes are refused above it", min: 1 },
] as const;

function InstanceSettings() {
  const settings = useApi(getSettings, "settings");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  async function save(body: Partial<Settings>) {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await api("updateSettings", { body });
      setSaved(true);
    } catch (err) {
      setError(describeError(err));
    }
    await settings.reload();
    setBusy(false);
  }

  return (
    <section aria-labelledby="settings-heading" className={`p-5 ${card}`}>
      <h2 id="settings-heading" className="text-lg font-semibold">
        Settings
      </h2>
      {settings.error && <ErrorNote>{describeError(settings.error)}</ErrorNote>}
      {settings.data && (
        <>
          <SignupSwitch open={settings.data.signupOpen} busy={busy} onChange={(signupOpen) => save({ signupOpen })} />
          {/* Keyed on the stored values: a reload after saving resets the form to what the API kept. */}
          <LimitsForm key={JSON.stringify(settings.data)} settings={settings.data} busy={busy} onSave={save} />
          <RegistriesForm key={`registries-${JSON.stringify(settings.data)}`} settings={settings.data} busy={busy} onSave={save} />
        </>
      )}
      {error && <ErrorNote>{error}</ErrorNote>}
      {saved && !error && (
        <p role="status" data-testid="settings-saved" className="mt-3 text-sm text-emerald-700">
          Saved.
        </p>
      )}
    </section>
  );
}

function SignupSwitch({ open, busy, onChange }: { open: boolean; busy: boolean; onChange: (open: boolean) => void }) {
  return (
    <div className="mt-4">
      <label className="flex items-center gap-3">
        <input
          type="checkbox"
          role="switch"
          aria-checked={open}
          checked={open}
          disabled={busy}
          aria-describedby="signup-state"
          onChange={(e) => onChange(e.currentTarget.checked)}
          className="h-4 w-4 accent-indigo-600"
        />
        <span className="font-medium">Open sign-up</span>
      </label>
      <p id="signup-state" data-testid="signup-state" className="ml-7 text-sm text-slate-500">
        {open
          ? "Anyone who can reach this instance can create an account."
          : "Sign-up is closed: only existing users can sign in; invitations need an account."}
      </p>
    </div>
  );
}

// The outbound allow list and the quotas, saved together; the API validates every entry
// (core/src/outbound-allow.ts) and answers which one it refused.
function LimitsForm({ settings, busy, onSave }: { settings: Settings; busy: boolean; onSave: (body: Partial<Settings>) => void }) {
  function submit(form: FormData) {
    const outboundAllow = String(form.get("outboundAllow") ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const quotas = Object.fromEntries(QUOTAS.map((q) => [q.key, Number(form.get(q.key))]));
    onSave({ outboundAllow, ...quotas });
  }

  return (
    <form action={submit} className="mt-6 space-y-5 border-t border-slate-100 pt-5" data-testid="limits-form">
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Outbound allow list</span>
        <span className="block text-xs text-slate-500">
          Private or loopback destinations Berth may reach for users (webhooks, repositories, registries), one per line: a host name (git.corp.lan), *.domain,
          an address or a CIDR range (10.0.5.0/24), optionally with :port.
        </span>
        <textarea name="outboundAllow" rows={4} defaultValue={settings.outboundAllow.join("\n")} className={`${inputClass} font-mono`} spellCheck={false} />
      </label>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Quotas per team</legend>
        <div className="mt-1 grid gap-4 sm:grid-cols-2">
          {QUOTAS.map((q) => (
            <label key={q.key} className="block">
              <span className="text-sm text-slate-700">{q.label}</span>
              <input name={q.key} type="number" required min={q.min} step={1} defaultValue={settings[q.key]} className={inputClass} />
              <span className="text-xs text-slate-500">{q.hint}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? "Saving…" : "Save settings"}
      </button>
    </form>
  );
}

const REGISTRY_RULES = [
  { value: "any", label: "Any registry", hint: "Docker Hub, GHCR, Quay, a company's registry: any the outbound policy lets Berth reach." },
  { value: "listed", label: "Only the listed registries", hint: "One per line, as written in image references: ghcr.io, registry.example.com:5000." },
  { value: "berth", label: "Only Berth's own registry", hint: "For air-gapped sites: teams push their images to Berth." },
] as const;

const lines = (text: FormDataEntryValue | null) =>
  String(text ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

// Where images may come from, and the pull-through caches public images are read through (one per
// upstream, run by the worker). The API checks each entry and each cache's upstream (outbound policy).
function RegistriesForm({ settings, busy, onSave }: { settings: Settings; busy: boolean; onSave: (body: Partial<Settings>) => void }) {
  function submit(form: FormData) {
    const registryRule = String(form.get("registryRule")) as Settings["registryRule"];
    const registryCaches = lines(form.get("registryCaches")).map((line) => {
      const [registry = "", upstream = ""] = line.split(/\s+/);
      return { registry, upstream };
    });
    onSave({ registryRule, registryAllow: lines(form.get("registryAllow")), registryCaches });
  }

  return (
    <form action={submit} className="mt-6 space-y-5 border-t border-slate-100 pt-5" data-testid="registries-form" aria-labelledby="registries-heading">
      <h3 id="registries-heading" className="font-medium">
        Registries
      </h3>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Images may come from</legend>
        {REGISTRY_RULES.map((rule) => (
          <label key={rule.value} className="mt-2 flex items-start gap-3">
            <input
              type="radio"
              name="registryRule"
              value={rule.value}
              defaultChecked={settings.registryRule === rule.value}
              className="mt-1 accent-indigo-600"
            />
            <span>
              <span className="block text-sm">{rule.label}</span>
              <span className="block text-xs text-slate-500">{rule.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Allowed registries</span>
        <span className="block text-xs text-slate-500">Used with “Only the listed registries”. Berth&apos;s own registry is always allowed.</span>
        <textarea name="registryAllow" rows={3} defaultValue={settings.registryAllow.join("\n")} className={`${inputClass} font-mono`} spellCheck={false} />
      </label>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Pull-through caches</span>
        <span className="block text-xs text-slate-500">
          One per line: the registry as written in references, then its upstream (docker.io https://registry-1.docker.io). Public images are read through the
          cache, so each layer crosses the internet once and stays available during an upstream outage; private images are read directly and never cached.
          Content unused for 7 days expires.
        </span>
        <textarea
          name="registryCaches"
          rows={3}
          defaultValue={settings.registryCaches.map((c) => `${c.registry} ${c.upstream}`).join("\n")}
          className={`${inputClass} font-mono`}
          spellCheck={false}
        />
      </label>
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? "Saving…" : "Save registries"}
      </button>
    </form>
  );
}
