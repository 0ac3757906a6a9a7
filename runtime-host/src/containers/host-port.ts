// A replica's host port, chosen by the agent instead of the Engine: a port the Engine picks
// ("HostPort": "") is picked again on every restart by the restart policy, so the route would
// point at a dead port until the next inventory. A port named in the container's config is kept
// across restarts, so the route stays right.
// The port is one the kernel hands out as free on the publish address (bind port 0, read it,
// release it); another process may take it before the Engine binds it, hence the retry on the
// Engine's "port is already allocated" (or "address already in use") at start.
import { createServer } from "node:net";

/** How many ports are tried before the Engine's refusal is passed on. */
export const PORT_ATTEMPTS = 5;

export function freeHostPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: address, port: 0, exclusive: true }, () => {
      const bound = server.address();
      const port = typeof bound === "object" && bound ? bound.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error(`no free port on ${address}`))));
    });
  });
}

/** The Engine refused to start a container because its host port was taken meanwhile. */
export function isPortTaken(err: unknown): boolean {
  const message = (err as { message?: string } | null)?.message ?? "";
  return /port is already allocated|address already in use/i.test(message);
}

/**
 * Runs `attempt` with a freshly chosen free port until it does not fail with a taken port
 * (at most PORT_ATTEMPTS times).
 */
export async function withFreeHostPort<T>(address: string, attempt: (port: number) => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    const port = await freeHostPort(address);
    try {
      return await attempt(port);
    } catch (err) {
      if (!isPortTaken(err) || i >= PORT_ATTEMPTS) throw err;
    }
  }
}
