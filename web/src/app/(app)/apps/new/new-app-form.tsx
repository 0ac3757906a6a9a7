"use client";
import { DEFAULT_APP_CONFIG, DEFAULT_HEALTH_CHECK, roleHas } from "@berth/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { card, ErrorNote, inputClass, primaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { rememberAppNotes } from "@/lib/app-notes";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";
import { CopyCommand } from "../../images/parts";
import { appHref } from "../parts";
import { ImagePicker } from "./image-picker";

const numberField = (form: FormData, name: string) => Number(String(form.get(name) ?? "").trim());
const optionalNumber = (form: FormData, name: string) => (String(form.get(name) ?? "").trim() === "" ? undefined : numberField(form, name));

export function NewAppForm({ registryHost, initialTeam }: { registryHost: string; initialTeam?: string }) {
  const router = useRouter();
  const teams = useApi(() => api("listTeams"), "teams");
  useRetry(teams);
  const writable = teams.data?.teams
    .filter((t) => roleHas(t.role, "apps.write"))
    .sort((a, b) => Number(b.personal) - Number(a.personal) || a.name.localeCompare(b.name));
  const [chosenTeam, setChosenTeam] = useState<string>();
  const team = chosenTeam ?? writable?.find((t) => t.slug === initialTeam)?.slug ?? writable?.[0]?.slug ?? "";
  const [image, setImage] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const healthPath = String(form.get("healthPath") ?? "").trim();
    setBusy(true);
    setError(undefined);
    try {
      const res = await api("createApp", {
        params: { team },
        body: {
          name,
          image: image.trim(),
          deploy: true,
          config: {
            // Blank: the image's EXPOSEd port (the API says which), else 8080.
            port: optionalNumber(form, "port"),
            replicas: numberField(form, "replicas"),
            memoryMb: numberField(form, "memoryMb"),
            cpus: numberField(form, "cpus"),
            // Blank: the image's HEALTHCHECK decides when the app is ready, else GET /.
            ...(healthPath ? { healthCheck: { ...DEFAULT_HEALTH_CHECK, path: healthPath } } : {}),
          },
        },
      });
      rememberAppNotes(team, name, res.notes);
      router.push(appHref(team, name));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  if (teams.error) return <ErrorNote>{describeError(teams.error)}</ErrorNote>;
  if (!writable) return <p className="text-slate-500">Loading…</p>;
  if (writable.length === 0) {
    return <ErrorNote>None of your teams lets you create apps: ask a team's admin for the developer role.</ErrorNote>;
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <form onSubmit={submit} className={`space-y-5 p-6 ${card}`} aria-label="New app">
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Team</span>
            <select
              name="team"
              className={inputClass}
              value={team}
              onChange={(e) => {
                setChosenTeam(e.target.value);
                setImage("");
              }}
            >
              {writable.map((t) => (
                <option key={t.id} value={t.slug}>
                  {t.personal ? `${t.slug} (personal)` : `${t.name} (${t.slug})`}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Name</span>
            <input
              name="name"
              required
              minLength={2}
              maxLength={30}
              pattern="[a-z0-9]([a-z0-9\-]*[a-z0-9])?"
              title="lowercase letters, digits and inner dashes"
              autoComplete="off"
              className={inputClass}
            />
          </label>
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Image</legend>
          <label className="block">
            <span className="sr-only">Image reference</span>
            <input
              name="image"
              required
              value={image}
              onChange={(e) => setImage(e.target.value)}
              placeholder={`${registryHost}/${team || "<team>"}/<repo>:<tag>`}
              autoComplete="off"
              className={`${inputClass} font-mono`}
              aria-label="Image reference"
            />
          </label>
          <ImagePicker key={team} team={team} registryHost={registryHost} onPick={setImage} />
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-3">
          <NumberInput
            name="port"
            label="Port"
            min={1}
            max={65535}
            placeholder="from the image"
            hint={`the app listens on it; also $PORT. Blank: the image's EXPOSEd port, else ${DEFAULT_APP_CONFIG.port}`}
          />
          <NumberInput name="replicas" label="Replicas" value={DEFAULT_APP_CONFIG.replicas} min={0} max={20} />
          <NumberInput name="memoryMb" label="Memory (MB)" value={DEFAULT_APP_CONFIG.memoryMb} min={16} max={65536} />
          <NumberInput name="cpus" label="CPUs" value={DEFAULT_APP_CONFIG.cpus} min={0.05} max={64} step={0.05} />
          <label className="block sm:col-span-2">
            <span className="text-sm font-medium text-slate-700">Health-check path</span>
            <input name="healthPath" placeholder="the image's HEALTHCHECK, else /" pattern="/.*" title="starts with /" className={`${inputClass} font-mono`} />
            <span className="mt-1 block text-xs text-slate-500">
              Any answer below 400 counts as healthy. Blank: the image's own HEALTHCHECK decides, else GET {DEFAULT_HEALTH_CHECK.path}.
            </span>
          </label>
        </div>
        {error && <ErrorNote>{error}</ErrorNote>}
        <button type="submit" disabled={busy || !team} className={primaryButton}>
          {busy ? "Creating…" : "Create and deploy"}
        </button>
      </form>
      <FromSource team={team} />
    </div>
  );
}

function NumberInput(props: { name: string; label: string; value?: number; placeholder?: string; min: number; max: number; step?: number; hint?: string }) {
  return (
    <label className="block">
      <span className="text-sm font-medium text-slate-700">{props.label}</span>
      <input
        name={props.name}
        type="number"
        required={props.value !== undefined}
        defaultValue={props.value}
        placeholder={props.placeholder}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        className={`${inputClass} tabular-nums`}
      />
      {props.hint && <span className="mt-1 block text-xs text-slate-500">{props.hint}</span>}
    </label>
  );
}

function FromSource({ team }: { team: string }) {
  // The git address is the dashboard's own (git goes through the same front door); known only in the browser.
  const [origin, setOrigin] = useState("http://localhost:8080");
  useEffect(() => setOrigin(window.location.origin), []);
  const t = team || "<team>";
  return (
    <section aria-labelledby="from-source" className={`space-y-3 self-start p-5 ${card}`} data-testid="deploy-from-source">
      <h2 id="from-source" className="font-semibold">
        Deploy from source
      </h2>
      <p className="text-sm text-slate-600">
        Have a directory with a Dockerfile? Push it with git: Berth builds the image, pushes it to the registry and deploys it. The first push to a new app name
        creates the app.
      </p>
      <CopyCommand label="git remote command" command={`git remote add berth ${origin}/git/${t}/<app>.git`} />
      <CopyCommand label="git push command" command="git push berth main" />
      <p className="text-sm text-slate-600">Or upload the directory of an existing app with the CLI:</p>
      <CopyCommand label="deploy command" command={`berth deploy ${t}/<app> --dir .`} />
      <p className="text-sm text-slate-500">
        Sign in with your password, or an access token with the <span className="font-mono">apps:deploy</span> scope from{" "}
        <Link href="/tokens" className="font-medium text-indigo-600 hover:text-indigo-500">
          Tokens
        </Link>
        .
      </p>
    </section>
  );
}
