// The lifecycle verbs on one container, by name. Only containers Berth manages (by label)
// are touched, so a job can never stop something else running on the host.
import { AppError } from "@berth/core";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";

export type Action = "start" | "stop" | "restart" | "kill" | "remove";

async function managed(docker: Docker, name: string): Promise<Docker.Container | null> {
  const c = docker.getContainer(name);
  try {
    const info = await c.inspect();
    if (info.Config.Labels?.[LABELS.managed] !== "true") throw new AppError("FORBIDDEN", `container ${name} is not managed by Berth`);
    return c;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

export async function removeIfPresent(docker: Docker, name: string): Promise<void> {
  const c = await managed(docker, name);
  if (c) await c.remove({ force: true, v: false });
}

export async function containerAction(docker: Docker, name: string, action: Action): Promise<{ state: string }> {
  const c = await managed(docker, name);
  if (!c) {
    if (action === "remove") return { state: "removed" };
    throw new AppError("NOT_FOUND", `no container named ${name} on this host`);
  }
  // Docker answers 304 when the container is already in the wanted state: that is success.
  const tolerate304 = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 304) throw err;
    }
  };
  switch (action) {
    case "start":
      await tolerate304(c.start());
      break;
    case "stop":
      await tolerate304(c.stop({ t: 10 }));
      break;
    case "restart":
      await c.restart({ t: 10 });
      break;
    case "kill":
      await c.kill({ signal: "SIGKILL" });
      break;
    case "remove":
      await c.remove({ force: true });
      return { state: "removed" };
  }
  return { state: (await c.inspect()).State.Status };
}
