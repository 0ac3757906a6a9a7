// Seeds Berth's base images into the registry: `node --import tsx infra/seed/base-images-cli.ts`.
// Run by infra/up.sh; prints one line per image.
import Docker from "dockerode";
import { seedBaseImages } from "./base-images.ts";

const socketPath = process.env.DOCKER_SOCKET || "/var/run/docker.sock";
const registry = `127.0.0.1:${process.env.BERTH_REGISTRY_PORT || "5000"}`;
// Only instance admins may push to the `berth` namespace; setup logs in as the first admin.
const authconfig =
  process.env.BERTH_ADMIN_EMAIL && process.env.BERTH_ADMIN_PASSWORD
    ? { username: process.env.BERTH_ADMIN_EMAIL, password: process.env.BERTH_ADMIN_PASSWORD, serveraddress: registry }
    : undefined;

const started = Date.now();
try {
  const results = await seedBaseImages({ docker: new Docker({ socketPath }), registry, log: (msg) => console.error(`    ${msg}`), authconfig });
  for (const image of results) {
    const what = image.built ? "built and pushed" : image.pushed ? "pushed" : "up to date";
    console.log(`${image.ref} ${image.digest} (${what})`);
  }
  console.log(`base images ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} catch (err) {
  console.error(`seeding base images failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
