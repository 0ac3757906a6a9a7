"use client";
import { type Body, DEFAULT_HEALTH_CHECK } from "@berth/core";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { card, dangerButton, ErrorNote, inputClass, primaryButton, secondaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { rememberAppNotes } from "@/lib/app-notes";
import { joinArgs, splitArgs } from "@/lib/split-args";
import { type App, type Deployment, StartedNote } from "../../parts";
import type { SectionProps } from "./app-view";
import { RepositorySection } from "./repository-section";

type Patch = Body<"updateApp">;
type Volume = { name: string; target: string };

export function SettingsSection(props: SectionProps) {
  const { app, can } = props;
  return (
    <div className="space-y-8">
      {/* Keyed by the saved config: a reload after saving resets the form to what the server holds. */}
      <ConfigForm key={JSON.stringify([app.imageRef, app.config])} {...props} />
      <RepositorySection key={JSON.stringify(app.repository)} {...props} />
      {can("apps.delete") && <DeleteApp app={app} />}
    </div>
  );
}

const num = (form: FormData, name: string) => Number(String(form.get(name) ?? "").trim());
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function ConfigForm({ app, onChanged, can }: SectionProps) {
  const canWrite = can("apps.write");
  const cfg = app.config;
  const hc = cfg.healthCheck ?? DEFAULT_HEALTH_CHECK;
  const [volumes, setVolumes] = useState<Volume[]>(cfg.volumes);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const [started, setStarted] = useState<Deployment>();

  /** Only what changed goes to the API: an untouched field keeps whatever the server has. */
  function patchFrom(form: FormData): Patch | string {
    const patch: Patch = {};
    const config: NonNullable<Patch["config"]> = {};
    const image = String(form.get("image") ?? "").trim();
    if (app.sourceType === "image" && image && image !== app.imageRef) patch.image = image;
    for (const key of ["port", "replicas", "memoryMb", "cpus"] as const) {
      const v = num(form, key);
      if (v !== cfg[key]) config[key] = v;
    }
    const hcType = String(form.get("hcType"));
    if (hcType === "image") {
      // No check of the app's own: the image's HEALTHCHECK decides (or the default one).
      if (cfg.healthCheck) config.healthCheck = null;
    } else {
      const healthCheck = {
        type: hcType === "tcp" ? ("tcp" as const) : ("http" as const),
        path: String(form.get("hcPath") ?? "/").trim() || "/",
        timeoutS: num(form, "hcTimeoutS"),
        attempts: num(form, "hcAttempts"),
        intervalMs: num(form, "hcIntervalMs"),
      };
      if (!same(healthCheck, cfg.healthCheck)) config.healthCheck = healthCheck;
    }
    const vols = volumes.map((v) => ({ name: v.name.trim(), target: v.target.trim() })).filter((v) => v.name || v.target);
    if (!same(vols, cfg.volumes)) config.volumes = vols;
    const cmdText = String(form.get("cmd") ?? "").trim();
    if (cmdText === "") {
      if (cfg.cmd) config.cmd = null;
    } else {
      const split = splitArgs(cmdText);
      if ("error" in split) return `Command: ${split.error}`;
      if (!same(split.args, cfg.cmd)) config.cmd = split.args;
    }
    if (app.sourceType !== "image") {
      const build = buildFrom(form);
      if (typeof build === "string") return build;
      if (!sameBuild(build, cfg.build ?? {})) config.build = Object.keys(build).length > 0 ? build : null;
    }
    if (Object.keys(config).length > 0) patch.config = config;
    return patch;
  }

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(undefined);
    setNote(undefined);
    const patch = patchFrom(new FormData(e.currentTarget));
    if (typeof patch === "string") return setError(patch);
    if (Object.keys(patch).length === 0) return setNote("Nothing changed.");
    setBusy(true);
    try {
      const res = await api("updateApp", { params: { team: app.team, app: app.name }, body: patch });
      setStarted(res.deployment ?? undefined);
      setNote(res.deployment ? undefined : "Saved. The next deployment uses it.");
      rememberAppNotes(app.team, app.name, res.notes);
      await onChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="settings" className="space-y-4">
      <div>
        <h2 id="settings" className="text-lg font-semibold">
          Settings
        </h2>
        <p className="text-sm text-slate-500">A change to a live app deploys a new release with it at once.</p>
      </div>
      {started && <StartedNote app={app} deployment={started} />}
      <form onSubmit={save} className={`p-6 ${card}`} aria-label="App settings" data-testid="settings-form">
        <fieldset disabled={!canWrite || busy} className="space-y-6">
          {app.sourceType === "image" && (
            <label className="block">
              <span className="text-sm font-medium text-slate-700">Image</span>
              <input name="image" defaultValue={app.imageRef ?? ""} autoComplete="off" className={`${inputClass} font-mono`} />
            </label>
          )}
          <div className="grid gap-4 sm:grid-cols-4">
            <Field name="port" label="Port" value={cfg.port} min={1} max={65535} />
            <Field name="replicas" label="Replicas" value={cfg.replicas} min={0} max={20} />
            <Field name="memoryMb" label="Memory (MB)" value={cfg.memoryMb} min={16} max={65536} />
            <Field name="cpus" label="CPUs" value={cfg.cpus} min={0.05} max={64} step={0.05} />
          </div>
          <fieldset className="space-y-3">
            <legend className="text-sm font-semibold text-slate-800">Health check</legend>
            <div className="grid gap-4 sm:grid-cols-5">
              <label className="block">
                <span className="text-sm font-medium text-slate-700">Type</span>
                <select name="hcType" defaultValue={cfg.healthCheck?.type ?? "image"} className={inputClass}>
                  <option value="image">The image's HEALTHCHECK (else HTTP)</option>
                  <option value="http">HTTP</option>
                  <option value="tcp">TCP</option>
                </select>
              </label>
              <label className="block sm:col-span-1">
                <span className="text-sm font-medium text-slate-700">Path</span>
                <input name="hcPath" defaultValue={hc.path} pattern="/.*" title="starts with /" className={`${inputClass} font-mono`} />
              </label>
              <Field name="hcTimeoutS" label="Timeout (s)" value={hc.timeoutS} min={1} max={60} />
              <Field name="hcAttempts" label="Attempts" value={hc.attempts} min={1} max={300} />
              <Field name="hcIntervalMs" label="Interval (ms)" value={hc.intervalMs} min={100} max={30000} />
            </div>
          </fieldset>
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Command</span>
            <input
              name="cmd"
              defaultValue={cfg.cmd ? joinArgs(cfg.cmd) : ""}
              placeholder="the image's own command"
              autoComplete="off"
              className={`${inputClass} font-mono`}
            />
            <span className="mt-1 block text-xs text-slate-500">Words as a shell splits them (quotes group); nothing is expanded. Empty: the image's own.</span>
          </label>
          <fieldset className="space-y-2">
            <legend className="text-sm font-semibold text-slate-800">Volumes</legend>
            <p className="text-xs text-slate-500">Named volumes on the host, kept across releases.</p>
            {volumes.map((v, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved
              <div key={i} className="flex items-end gap-2" data-testid="volume-row">
                <label className="block flex-1">
                  <span className="text-xs text-slate-600">Name</span>
                  <input
                    value={v.name}
                    onChange={(e) => setVolumes(volumes.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
                    className={`${inputClass} font-mono`}
                    aria-label={`Volume ${i + 1} name`}
                  />
                </label>
                <label className="block flex-1">
                  <span className="text-xs text-slate-600">Mounted at</span>
                  <input
                    value={v.target}
                    onChange={(e) => setVolumes(volumes.map((x, j) => (j === i ? { ...x, target: e.target.value } : x)))}
                    placeholder="/data"
                    className={`${inputClass} font-mono`}
                    aria-label={`Volume ${i + 1} path`}
                  />
                </label>
                <button
                  type="button"
                  className={dangerButton}
                  onClick={() => setVolumes(volumes.filter((_, j) => j !== i))}
                  aria-label={`Remove volume ${i + 1}`}
                >
                  Remove
                </button>
              </div>
            ))}
            {volumes.length < 16 && (
              <button type="button" className={secondaryButton} onClick={() => setVolumes([...volumes, { name: "", target: "" }])}>
                Add a volume
              </button>
            )}
          </fieldset>
          {app.sourceType !== "image" && <BuildFields build={cfg.build} />}
          {cfg.binds.length > 0 && (
            <div className="text-sm">
              <p className="font-semibold text-slate-800">Host paths (set by instance admins)</p>
              <ul className="mt-1 font-mono text-xs text-slate-600">
                {cfg.binds.map((b) => (
                  <li key={b.target}>
                    {b.source} → {b.target}
                    {b.readOnly ? " (read-only)" : ""}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {error && <ErrorNote testId="settings-error">{error}</ErrorNote>}
          {note && (
            <p className="text-sm text-slate-600" role="status" data-testid="settings-note">
              {note}
            </p>
          )}
          {canWrite && (
            <button type="submit" className={primaryButton}>
              {busy ? "Saving…" : "Save settings"}
            </button>
          )}
        </fieldset>
      </form>
    </section>
  );
}

type Build = NonNullable<App["config"]["build"]>;

/** Key order aside (the database keeps its own). */
const sameBuild = (a: Build, b: Build) => {
  const canonical = (x: Build) => JSON.stringify([x.context, x.dockerfile, x.target, Object.entries(x.args ?? {}).sort()]);
  return canonical(a) === canonical(b);
};

/** The build settings as the form holds them; a string says what is wrong. Keys in a fixed order, empty ones left out. */
function buildFrom(form: FormData): Build | string {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const args: Record<string, string> = {};
  for (const line of text("buildArgs").split("\n")) {
    if (line.trim() === "") continue;
    const eq = line.indexOf("=");
    if (eq < 1) return `Build arguments: one NAME=value a line, not "${line.trim()}"`;
    args[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  const build: Build = {};
  if (Object.keys(args).length > 0) build.args = args;
  if (text("buildTarget")) build.target = text("buildTarget");
  if (text("buildDockerfile")) build.dockerfile = text("buildDockerfile");
  if (text("buildContext")) build.context = text("buildContext");
  return build;
}

/** Source builds: context directory, Dockerfile, target stage, build arguments (not secret). */
function BuildFields({ build }: { build: Build | undefined }) {
  const args = Object.entries(build?.args ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  return (
    <fieldset className="space-y-3" data-testid="build-settings">
      <legend className="text-sm font-semibold text-slate-800">Build</legend>
      <div className="grid gap-4 sm:grid-cols-3">
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Context directory</span>
          <input
            name="buildContext"
            defaultValue={build?.context ?? ""}
            placeholder="the repository's root"
            autoComplete="off"
            className={`${inputClass} font-mono`}
          />
          <span className="mt-1 block text-xs text-slate-500">A directory of the repository or upload, e.g. services/api (monorepos).</span>
        </label>
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Dockerfile</span>
          <input
            name="buildDockerfile"
            defaultValue={build?.dockerfile ?? ""}
            placeholder="Dockerfile"
            autoComplete="off"
            className={`${inputClass} font-mono`}
          />
          <span className="mt-1 block text-xs text-slate-500">Its path inside that directory, e.g. docker/Dockerfile.prod.</span>
        </label>
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Target stage</span>
          <input name="buildTarget" defaultValue={build?.target ?? ""} placeholder="the last stage" autoComplete="off" className={`${inputClass} font-mono`} />
        </label>
      </div>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Build arguments</span>
        <textarea name="buildArgs" rows={3} defaultValue={args} placeholder="NAME=value, one a line" spellCheck={false} className={`${inputClass} font-mono`} />
        <span className="mt-1 block text-xs text-slate-500" data-testid="build-args-warning">
          Build arguments are not secret: the image history keeps them, readable by anyone who can pull the image. Never put a password or token here (a build
          refuses the name or value of a secret env var).
        </span>
      </label>
    </fieldset>
  );
}

function Field(props: { name: string; label: string; value: number; min: number; max: number; step?: number }) {
  return (
    <label className="block">
      <span className="text-sm font-medium text-slate-700">{props.label}</span>
      <input
        name={props.name}
        type="number"
        required
        defaultValue={props.value}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        className={`${inputClass} tabular-nums`}
      />
    </label>
  );
}

function DeleteApp({ app }: { app: App }) {
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function remove(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api("deleteApp", { params: { team: app.team, app: app.name } });
      router.push("/apps");
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="delete-app" className="space-y-3 rounded-xl border border-red-200 bg-white p-6">
      <h2 id="delete-app" className="font-semibold text-red-800">
        Delete this app
      </h2>
      <p className="text-sm text-slate-600">
        Stops and removes its containers and routes, and deletes its releases, deployments and environment. Images in the registry stay.
      </p>
      <form onSubmit={remove} className="flex flex-wrap items-end gap-3">
        <label className="block w-72">
          <span className="text-sm text-slate-700">
            Type <span className="font-mono font-medium">{app.name}</span> to confirm
          </span>
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            className={`${inputClass} font-mono`}
            aria-label="App name to confirm"
          />
        </label>
        <button
          type="submit"
          disabled={typed !== app.name || busy}
          className="rounded-md bg-red-600 px-3 py-2 text-sm font-medium text-white hover:bg-red-500 disabled:opacity-50"
        >
          {busy ? "Deleting…" : "Delete app"}
        </button>
      </form>
      {error && <ErrorNote testId="delete-error">{error}</ErrorNote>}
    </section>
  );
}
