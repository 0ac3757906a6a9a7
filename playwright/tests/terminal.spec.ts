// A terminal in the browser: a developer opens the terminal of a running container from the
// app's Containers tab, types a command, sees its output, and sees the session end with the
// shell's exit code; a viewer who opens the same address is refused. The team, its members and
// the app are seeded through the API.
import { expect, test } from "./fixtures.ts";
import { call, joinTeam, rand, registry, seedSignedIn } from "./support.ts";

const DEPLOY_TIMEOUT = 90_000;

test("a developer types into a container's shell and sees the output; a viewer is refused", async ({ browser, request, baseURL }) => {
  test.setTimeout(150_000);
  if (!baseURL) throw new Error("baseURL is not configured");
  const owner = await seedSignedIn(browser, request, "owner", baseURL);
  const team = `t-${rand()}`;
  await call(owner.context.request, "createTeam", { body: { slug: team, name: `Team ${team}` } });
  const dev = await seedSignedIn(browser, request, "dev", baseURL);
  const viewer = await seedSignedIn(browser, request, "viewer", baseURL);
  await joinTeam(owner.context.request, dev.context.request, team, "developer");
  await joinTeam(owner.context.request, viewer.context.request, team, "viewer");
  const app = "shell";
  try {
    const created = await call(dev.context.request, "createApp", {
      params: { team },
      body: {
        name: app,
        image: `${registry}/berth/busybox:latest`,
        config: { port: 8080, cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"], healthCheck: { type: "http", path: "/passwd" } },
        deploy: true,
      },
    });
    const deploymentId = created.deployment?.id;
    if (!deploymentId) throw new Error("createApp did not deploy");
    await expect
      .poll(async () => (await call(dev.context.request, "getDeployment", { params: { team, app, id: deploymentId } })).status, { timeout: DEPLOY_TIMEOUT })
      .toBe("live");

    const { page } = dev;
    await page.goto(`/apps/${team}/${app}?tab=containers`);
    await page.getByRole("link", { name: /^Open a terminal in / }).click();
    await expect(page).toHaveURL(/\/containers\/[0-9a-f-]{36}\/terminal$/);
    const terminalUrl = page.url();
    await expect(page.getByTestId("terminal-status")).toHaveText("Connected");

    const screen = page.getByTestId("terminal").locator(".xterm-rows");
    await page.getByTestId("terminal").click();
    await page.keyboard.type("echo hello-$((6*7))");
    await page.keyboard.press("Enter");
    // The typed line shows "$((6*7))"; only the shell's answer has 42 in it.
    await expect(screen).toContainText("hello-42");

    await page.keyboard.type("exit 5");
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("terminal-status")).toHaveText("session ended (exit code 5)");

    await viewer.page.goto(terminalUrl);
    await expect(viewer.page.getByTestId("terminal-refused")).toContainText("does not allow opening a terminal");
    await expect(viewer.page.getByTestId("terminal")).toHaveCount(0);
  } finally {
    await call(owner.context.request, "deleteApp", { params: { team, app } }).catch(() => undefined);
    await call(owner.context.request, "deleteTeam", { params: { team } }).catch(() => undefined);
    for (const s of [owner, dev, viewer]) await s.context.close();
  }
});
