// Image pages: a user pushes with the real docker CLI and finds the repository, its tag with size and
// platform, and the tag's layers in the dashboard, then edits it as the namespace's owner; a team's
// viewer gets no controls. Accounts are seeded through the API; what the journey is about is clicked.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures.ts";
import { fakeIp, rand, registry, signIn, signUp, type User, webUrl } from "./support.ts";

const baseImage = `${registry}/berth/busybox:latest`;

type Docker = { config: string; run: (args: string[], input?: string) => Promise<string> };

/** The docker CLI with a config directory of its own, so the login never touches ~/.docker. */
function dockerCli(): Docker {
  const config = mkdtempSync(join(tmpdir(), "berth-pw-docker-"));
  return {
    config,
    run: (args, input) =>
      new Promise((resolve, reject) => {
        const child = execFile("docker", args, { env: { ...process.env, DOCKER_CONFIG: config }, timeout: 120_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(`docker ${args[0]} failed: ${stderr || err.message}`)) : resolve(stdout + stderr),
        );
        child.stdin?.end(input ?? "");
      }),
  };
}

type Pushed = { image: string; docker: Docker };

/** Pushes the base image as `<team>/<repo>:<tag>` with docker, then waits until Berth has recorded it. */
async function push(request: APIRequestContext, user: User, name: { team: string; repo: string; tag: string }): Promise<Pushed> {
  const pushed = { image: `${registry}/${name.team}/${name.repo}:${name.tag}`, docker: dockerCli() };
  try {
    await pushed.docker.run(["login", registry, "-u", user.username, "--password-stdin"], user.password);
    await pushed.docker.run(["tag", baseImage, pushed.image]);
    await pushed.docker.run(["push", pushed.image]);
    // The registry tells Berth about the push asynchronously.
    await expect
      .poll(
        async () => {
          const res = await request.get(`/api/v1/teams/${name.team}/repositories/${name.repo}`);
          if (!res.ok()) return [];
          return ((await res.json()) as { tags: { name: string }[] }).tags.map((t) => t.name);
        },
        { timeout: 20_000 },
      )
      .toContain(name.tag);
  } catch (err) {
    await cleanUp(pushed);
    throw err;
  }
  return pushed;
}

async function cleanUp(pushed: Pushed | undefined) {
  if (!pushed) return;
  // Only the local tag goes; the base image it points at stays.
  await pushed.docker.run(["rmi", pushed.image]).catch(() => undefined);
  rmSync(pushed.docker.config, { recursive: true, force: true });
}

test("a pushed image shows up with its tag, size, platform and layers", async ({ page, baseURL }, testInfo) => {
  const origin = new URL(baseURL ?? "http://localhost:8080").origin;
  let pushed: Pushed | undefined;
  try {
    const user = await signUp(page.request, "img");
    await signIn(page, user, origin);
    const { username } = user;
    pushed = await push(page.request, user, { team: username, repo: "hello", tag: "v1" });
    const { image } = pushed;

    await page.goto("/images");
    await expect(page.getByTestId("push-command")).toContainText(`docker push ${registry}/${username}/<repo>:<tag>`);
    const mine = page.getByTestId(`team-images-${username}`);
    const row = mine.locator(`tr[data-repository="${username}/hello"]`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId("visibility-badge")).toHaveText("private");
    await expect(row.getByTestId("tag-count")).toHaveText("1");
    await expect(row.getByTestId("star-count")).toHaveText("0");
    // The namespace's storage, read from the registry's manifests: busybox-static is about 1 MB.
    await expect(mine.getByTestId("team-usage")).toHaveText(/^Storage: (\d{3} KiB|1\.\d MiB) in 1 repository, 1 tag$/);
    await page.screenshot({ path: testInfo.outputPath("images.png") });

    await row.getByRole("link", { name: `${username}/hello` }).click();
    await expect(page).toHaveURL(new RegExp(`/images/${username}/hello$`));
    await expect(page.getByTestId("repository-title")).toHaveText(`${username}/hello`);
    await expect(page.getByTestId("pull-command")).toHaveText(`docker pull ${image}`);
    const tagRow = page.getByTestId("tags-table").locator('tr[data-tag="v1"]');
    await expect(tagRow).toBeVisible();
    // busybox-static compresses to about 1 MB.
    await expect(tagRow.getByTestId("tag-size")).toHaveText(/^(\d{3} KiB|1\.\d MiB)$/);
    await expect(tagRow.getByTestId("tag-platform")).toHaveText("linux/amd64");
    await expect(tagRow.getByTestId("digest")).toHaveAttribute("title", /^sha256:[0-9a-f]{64}$/);
    await expect(tagRow).toContainText(`by ${username}`);

    // Starring counts the user once; unstarring takes it back; the star survives a reload.
    const starCount = page.getByTestId("star-count");
    await expect(starCount).toHaveText("0");
    await page.getByRole("button", { name: "Star", exact: true }).click();
    await expect(starCount).toHaveText("1");
    await page.getByRole("button", { name: "Unstar", exact: true }).click();
    await expect(starCount).toHaveText("0");
    await page.getByRole("button", { name: "Star", exact: true }).click();
    await expect(starCount).toHaveText("1");
    await page.reload();
    await expect(page.getByRole("button", { name: "Unstar", exact: true })).toBeVisible();
    await expect(page.getByTestId("star-count")).toHaveText("1");

    // The owner of the namespace edits the description; markup in it stays text.
    await page.getByRole("button", { name: "Edit description" }).click();
    const description = `Hello from <b>${username}</b>`;
    await page.getByRole("textbox", { name: "Description" }).fill(description);
    await page.getByRole("button", { name: "Save description" }).click();
    await expect(page.getByTestId("description")).toHaveText(description);
    await expect(page.locator("b", { hasText: username })).toHaveCount(0);

    // Making it public puts it in the instance-wide search.
    const visibility = page.getByRole("switch", { name: "Public" });
    await expect(visibility).toHaveAttribute("aria-checked", "false");
    await visibility.click();
    await expect(visibility).toHaveAttribute("aria-checked", "true");
    await expect(page.getByTestId("visibility-badge")).toHaveText("public");

    await page.screenshot({ path: testInfo.outputPath("repository.png"), fullPage: true });

    await tagRow.getByRole("link", { name: "v1" }).click();
    await expect(page).toHaveURL(new RegExp(`/images/${username}/hello/tags/v1$`));
    await expect(page.getByTestId("tag-title")).toHaveText(`${username}/hello:v1`);
    await expect(page.getByTestId("tag-platform")).toHaveText("linux/amd64");
    const layers = page.getByTestId("layer-row");
    await expect(layers.first()).toBeVisible();
    await expect(layers.first().getByTestId("layer-size")).toHaveText(/^\d+(\.\d)? (B|KiB|MiB)$/);
    await expect(layers.first().getByTestId("digest")).toHaveAttribute("title", /^sha256:[0-9a-f]{64}$/);

    await page.screenshot({ path: testInfo.outputPath("tag.png"), fullPage: true });

    await page.goto("/images");
    await page.getByRole("searchbox", { name: "Search public images" }).fill(username);
    await page.getByRole("button", { name: "Search" }).click();
    const results = page.getByTestId("explore-results");
    await expect(results.getByRole("link", { name: `${username}/hello` })).toBeVisible();
    await expect(results).toContainText(description);
    await expect(results).toContainText("1 star");
    await expect(mine.locator(`tr[data-repository="${username}/hello"]`).getByTestId("star-count")).toHaveText("1");
  } finally {
    await cleanUp(pushed);
  }
});

test("a viewer of a team sees its tags but no controls to change or delete them", async ({ page, baseURL, playwright }) => {
  const origin = new URL(baseURL ?? "http://localhost:8080").origin;
  // The owner only seeds data, straight through web's API.
  const ownerApi = await playwright.request.newContext({ baseURL: webUrl, extraHTTPHeaders: { "x-forwarded-for": fakeIp() } });
  let pushed: Pushed | undefined;
  try {
    const owner = await signUp(ownerApi, "img");
    const team = `imgt-${rand()}`;
    const created = await ownerApi.post("/api/v1/teams", { data: { slug: team, name: `Images ${team}` } });
    expect(created.status(), await created.text()).toBe(201);
    pushed = await push(ownerApi, owner, { team, repo: "shared", tag: "v1" });
    const invitation = await ownerApi.post(`/api/v1/teams/${team}/invitations`, { data: { role: "viewer" } });
    expect(invitation.status(), await invitation.text()).toBe(201);

    await signIn(page, await signUp(page.request, "img"), origin);
    const token = ((await invitation.json()) as { token: string }).token;
    const accepted = await page.request.post("/api/v1/invitations/accept", { data: { token } });
    expect(accepted.status(), await accepted.text()).toBe(200);

    await page.goto("/images");
    const section = page.getByTestId(`team-images-${team}`);
    await expect(section.getByTestId("role-badge")).toHaveText("viewer");
    await section.getByRole("link", { name: `${team}/shared` }).click();
    await expect(page.getByTestId("tags-table").locator('tr[data-tag="v1"]')).toBeVisible();
    await expect(page.getByText("Team admins and owners can change this.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Edit description" })).toHaveCount(0);
    await expect(page.getByRole("switch")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Delete tag/ })).toHaveCount(0);
  } finally {
    await cleanUp(pushed);
    await ownerApi.dispose();
  }
});

test("an owner deletes a tag after confirming, and the repository is left empty", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? "http://localhost:8080").origin;
  let pushed: Pushed | undefined;
  try {
    const user = await signUp(page.request, "img");
    await signIn(page, user, origin);
    pushed = await push(page.request, user, { team: user.username, repo: "hello", tag: "v1" });
    await page.goto(`/images/${user.username}/hello`);
    await page.getByRole("button", { name: "Delete tag v1" }).click();
    await expect(page.getByText("Delete v1?")).toBeVisible();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await expect(page.getByText("This repository has no tags left")).toBeVisible();
    await expect(page.getByTestId("tag-error")).toHaveCount(0);
    await expect(page.getByTestId("tags-table")).toHaveCount(0);
  } finally {
    await cleanUp(pushed);
  }
});
