// A registry that asks for a login, for tests that store a team's registry credential (Berth logs
// in with it before storing it): a Basic-auth `/v2/` on 127.0.0.1, allowed through the outbound
// policy exactly (that address and port), as an instance admin would. `stop` takes both back.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { signIn, stack } from "./config.ts";
import { allowOutbound } from "./outbound.ts";

export type LoginRegistry = { host: string; username: string; password: string; stop: () => Promise<void> };

export async function loginRegistry(): Promise<LoginRegistry> {
  const username = "robot";
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const right = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  const server = createServer((req, res) => {
    if (req.url === "/v2/" && req.headers.authorization === right) return res.writeHead(200, { "content-type": "application/json" }).end("{}");
    res.writeHead(401, { "www-authenticate": 'Basic realm="stand-in"' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  const allowed = await allowOutbound(await signIn(stack.adminEmail, stack.adminPassword), [host]);
  return {
    host,
    username,
    password,
    async stop() {
      await allowed.restore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
