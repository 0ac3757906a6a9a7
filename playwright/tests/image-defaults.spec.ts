// An image's EXPOSEd port in the new-app form: a user leaves the port blank for an image that
// EXPOSEs 5432 (built here from Berth's busybox base and pushed to the team's namespace), and the
// app's page says which port Berth chose and why; the settings show it. Seeded through the API and
// skopeo; the form is clicked.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "./fixtures.ts";
import { call, rand, registry, seedSignedIn } from "./support.ts";

const run = promisify(execFile);

async function buildAndPush(dest: string, creds: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "berth-e2e-expose-"));
  const local = `berth-e2e-expose:${rand()}`;
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${registry}/berth/busybox:latest\nEXPOSE 5432\nCMD ["sleep", "3600"]\n`);
    await run("docker", ["build", "-q", "-t", local, dir], { timeout: 120_000 });
    await run("skopeo", ["copy", "--dest-tls-verify=false", "--dest-creds", creds, `docker-daemon:${local}`, `docker://${dest}`], { timeout: 120_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await run("docker", ["rmi", "-f", local]).catch(() => undefined);
  }
}

test("an app created without a port gets the image's EXPOSEd one, and its page says so", async ({ browser, request, baseURL }) => {
  test.setTimeout(2 * 60_000);
  const seeded = await seedSignedIn(browser, request, "expose", baseURL ?? "http://localhost:8080");
  try {
    const { page, user } = seeded;
    const team = `expose-${rand()}`;
    await call(page.request, "createTeam", { body: { slug: team, name: `Expose ${team}` } });
    const image = `${registry}/${team}/pg:1`;
    await buildAndPush(image, `${user.username}:${user.password}`);

    await page.goto(`/apps/new?team=${team}`);
    const name = `db-${rand()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Image reference").fill(image);
    await expect(page.getByLabel("Port")).toHaveValue("");
    await page.getByLabel("Replicas").fill("0");
    await page.getByRole("button", { name: "Create and deploy" }).click();

    await expect(page).toHaveURL(new RegExp(`/apps/${team}/${name}$`));
    await expect(page.getByTestId("app-notes")).toContainText("Using port 5432, from the image's EXPOSE.");
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByTestId("settings-form").getByLabel("Port")).toHaveValue("5432");
    // Shown once: gone after a reload.
    await page.reload();
    await expect(page.getByTestId("app-notes")).toHaveCount(0);
  } finally {
    await seeded.context.close();
  }
});
