// berth apps ...: a team's apps (create from an image or a repository, show, delete, webhook secret).
import type { Body, Reply } from "@berth/core";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { type Column, formatTime } from "../output.ts";
import { parseAppRef, shortId } from "./app-ref.ts";

type App = Reply<"getApp">;

const state = (a: App) => a.latestDeployment?.status ?? "never deployed";

const columns: Column<App>[] = [
  { header: "name", value: (a) => a.name },
  { header: "source", value: (a) => a.sourceType },
  { header: "image", value: (a) => a.imageRef ?? "-" },
  { header: "replicas", value: (a) => String(a.config.replicas), align: "right" },
  { header: "live", value: (a) => (a.liveRelease ? `v${a.liveRelease.version}` : "-") },
  { header: "last deploy", value: state },
  { header: "url", value: (a) => a.url },
];

export function appFields(a: App): [string, string][] {
  const c = a.config;
  return [
    ["App", `${a.team}/${a.name}`],
    ["URL", a.url],
    ["Domains", a.domains.join(", ") || "-"],
    ["Source", a.sourceType === "image" ? `image ${a.imageRef ?? "-"}` : `git (branch ${a.deployBranch})`],
    ...(a.repository
      ? [["Repository", `${a.repository.url} (branch ${a.repository.branch}${a.repository.webhook ? ", push webhook set" : ""})`] as [string, string]]
      : []),
    ["Live release", a.liveRelease ? `v${a.liveRelease.version} ${a.liveRelease.imageRef}` : "none"],
    [
      "Last deploy",
      a.latestDeployment
        ? `${shortId(a.latestDeployment.id)} ${a.latestDeployment.kind} ${a.latestDeployment.status} ${formatTime(a.latestDeployment.createdAt)}`
        : "none",
    ],
    ["Port", String(c.port)],
    ["Replicas", String(c.replicas)],
    ["Limits", `${c.memoryMb} MiB, ${c.cpus} CPU`],
    [
      "Health check",
      !c.healthCheck ? "the image's HEALTHCHECK (else HTTP GET /)" : c.healthCheck.type === "http" ? `HTTP GET ${c.healthCheck.path}` : "TCP connect",
    ],
    ...(c.cmd ? [["Command", JSON.stringify(c.cmd)] as [string, string]] : []),
    ...(c.volumes.length ? [["Volumes", c.volumes.map((v) => `${v.name}:${v.target}`).join(", ")] as [string, string]] : []),
    ...(c.binds.length ? [["Host mounts", c.binds.map((b) => `${b.source}:${b.target}${b.readOnly ? ":ro" : ""}`).join(", ")] as [string, string]] : []),
    ["Env", a.env.length ? a.env.map((e) => (e.secret ? `${e.key}=<secret>` : `${e.key}=${e.value}`)).join(" ") : "-"],
    ["Created", formatTime(a.createdAt)],
    ["ID", a.id],
  ];
}

export const list = defineCommand({
  path: ["apps", "list"],
  summary: "List a team's apps",
  args: ["team"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("listApps", { params: { team: args.team } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.apps, `No apps in ${args.team} yet; create one with \`berth apps create ${args.team} <name> --image <ref>\`.`);
  },
});

export const create = defineCommand({
  path: ["apps", "create"],
  summary: "Create an app (from an image, or for source builds with `berth deploy --dir`)",
  details: [
    "An image reference means what it means to docker: postgres:16 is docker.io/library/postgres:16 and acme/web:1 is",
    "docker.io/acme/web:1. An image in Berth's registry names it: 127.0.0.1:<port>/acme/web:1 (or localhost:<port>/…).",
    "An image in another registry (postgres:16, ghcr.io/org/app:1) is copied into Berth's at deploy;",
    "store a credential for a private one with `berth registries add`.",
    "The app is served at http://<app>-<team>.<domain>. With --deploy (and --image) it is deployed at once.",
  ].join("\n"),
  args: ["team", "app"],
  options: {
    image: { type: "string", value: "ref", help: "the image to run, e.g. 127.0.0.1:5000/acme/web:1 or postgres:16" },
    port: { type: "int", value: "port", help: "the port the app listens on (default 8080; also given as $PORT)" },
    replicas: { type: "int", value: "n", help: "how many containers to run (default 1)" },
    memory: { type: "int", value: "MiB", help: "memory limit per container (default 256)" },
    cpus: { type: "string", value: "n", help: "CPU limit per container, e.g. 0.5 (default 0.5)" },
    "health-path": { type: "string", value: "path", help: "the HTTP path the health check asks (default /)" },
    repo: { type: "string", value: "url", help: "build from this repository (http or https URL; `berth deploy --repo`)" },
    branch: { type: "string", value: "name", help: "the repository's branch to deploy (default main)" },
    deploy: { type: "boolean", help: "deploy the image right away" },
    "build-arg": {
      type: "list",
      value: "NAME=value",
      help: "a build argument for source builds (repeatable); NOT secret: the image history keeps it, so never pass a secret",
    },
    target: { type: "string", value: "stage", help: "the Dockerfile stage to build (source builds; default the last)" },
    context: { type: "string", value: "dir", help: "the build context: a directory of the repository or upload (source builds; default its root)" },
    dockerfile: { type: "string", value: "path", help: "the Dockerfile, relative to the build context (source builds; default Dockerfile)" },
  },
  async run(ctx, { args, flags }) {
    if (flags.branch && !flags.repo) throw new UsageError("--branch needs --repo");
    if (flags.deploy && !flags.image) throw new UsageError("--deploy needs --image (source apps deploy with `berth deploy --dir`)");
    const config: NonNullable<Body<"createApp">["config"]> = {};
    if (flags.port !== undefined) config.port = flags.port;
    if (flags.replicas !== undefined) config.replicas = flags.replicas;
    if (flags.memory !== undefined) config.memoryMb = flags.memory;
    if (flags.cpus !== undefined) {
      const cpus = Number(flags.cpus);
      if (!Number.isFinite(cpus) || cpus <= 0) throw new UsageError(`--cpus must be a positive number, not "${flags.cpus}"`);
      config.cpus = cpus;
    }
    if (flags["health-path"] !== undefined) config.healthCheck = { type: "http", path: flags["health-path"], timeoutS: 3, attempts: 150, intervalMs: 200 };
    const buildArgs = flags["build-arg"] ?? [];
    if (buildArgs.length > 0 || flags.target || flags.context || flags.dockerfile) {
      const pairs = buildArgs.map((a) => {
        const eq = a.indexOf("=");
        if (eq < 1) throw new UsageError(`--build-arg takes NAME=value, not "${a}"`);
        return [a.slice(0, eq), a.slice(eq + 1)] as const;
      });
      config.build = {
        ...(pairs.length > 0 ? { args: Object.fromEntries(pairs) } : {}),
        ...(flags.target ? { target: flags.target } : {}),
        ...(flags.context ? { context: flags.context } : {}),
        ...(flags.dockerfile ? { dockerfile: flags.dockerfile } : {}),
      };
    }
    const body: Body<"createApp"> = {
      name: args.app,
      config,
      deploy: flags.deploy,
      ...(flags.image ? { image: flags.image } : {}),
      ...(flags.repo ? { repository: { url: flags.repo, ...(flags.branch ? { branch: flags.branch } : {}) } } : {}),
    };
    const { data, raw } = await (await ctx.api()).call("createApp", { params: { team: args.team }, body });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`Created app ${data.app.team}/${data.app.name}; it will be served at ${data.app.url}`);
    for (const note of data.notes) ctx.out.line(`Using ${note}`);
    if (data.deployment) {
      ctx.out.line(`Deployment ${data.deployment.id} is ${data.deployment.status}; see \`berth deployments ${args.team}/${args.app}\`.`);
    } else if (data.app.repository) {
      ctx.out.line(`Deploy it from its repository: berth deploy ${args.team}/${args.app} --repo`);
    } else if (!data.app.imageRef) {
      ctx.out.line(`Deploy it from a directory with a Dockerfile: berth deploy ${args.team}/${args.app} --dir .`);
    }
  },
});

export const show = defineCommand({
  path: ["apps", "show"],
  summary: "Show an app: address, config, env keys, live release, last deployment",
  args: ["team", "app"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("getApp", { params: { team: args.team, app: args.app } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.fields(appFields(data));
  },
});

export const remove = defineCommand({
  path: ["apps", "delete"],
  summary: "Delete an app: its containers, routes, releases and deployments",
  args: ["team", "app"],
  options: {
    yes: {
      type: "boolean",
      required: true,
      missing: "deleting an app stops its containers and removes its releases for good; add --yes to confirm",
      help: "confirm the deletion",
    },
  },
  async run(ctx, { args }) {
    await (await ctx.api()).call("deleteApp", { params: { team: args.team, app: args.app } });
    if (!ctx.out.json) ctx.out.line(`Deleted app ${args.team}/${args.app}; its containers are being removed.`);
  },
});

export const webhookSecret = defineCommand({
  path: ["apps", "webhook-secret"],
  summary: "Make a new secret for the app's push webhook and print it with the webhook's URL (shown once)",
  details: [
    "On GitHub: Settings → Webhooks → Add webhook; Payload URL = the URL, Content type = application/json,",
    "Secret = the secret, event = push. A push to the repository's branch deploys it. The old secret stops working.",
  ].join("\n"),
  args: ["team/app"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("rotateWebhookSecret", { params: parseAppRef(args["team/app"]) });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.fields([
      ["URL", data.url],
      ["Secret", data.secret],
    ]);
    ctx.out.note("The secret is shown only now; set it in the repository's webhook settings (content type application/json).");
  },
});

export const apps = [list, create, show, remove, webhookSecret];
