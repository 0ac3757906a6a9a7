// Live logs and metrics in the browser: the apps list follows a deploy live; an app whose container prints numbered lines, an XSS
// payload, a coloured line and stderr lines is seeded and deployed through the API; the page shows
// the lines as they are printed, renders the payload as text and the colour as a styled span,
// marks stderr, resumes after a network drop with every numbered line exactly once, and its
// Metrics tab shows CPU and memory.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.ts";
import { call, rand, registry, seedSignedIn } from "./support.ts";

/** Starting the container and the first lines reaching the page take seconds; leave room. */
const FIRST_LINE_TIMEOUT = 90_000;
const PAYLOAD = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

const baseURL = () => {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error("baseURL is not configured");
  return url;
};

/**
 * busybox's httpd answers the health check; the shell prints `tick N` five times a second (at most
 * 3,000, then it idles), and every 10th tick the payload, a green line and a stderr line.
 */
function chattyApp(name: string) {
  const script = [
    "busybox httpd -p 8080 -h /etc",
    "i=0",
    "while [ $i -lt 3000 ]; do",
    "  i=$((i+1))",
    '  echo "tick $i"',
    "  if [ $((i % 10)) -eq 1 ]; then",
    `    echo '${PAYLOAD}'`,
    "    printf '\\033[32mgreen line %s\\033[0m done\\n' $i",
    '    echo "oops $i" >&2',
    "  fi",
    "  sleep 0.2",
    "done",
    "exec sleep 3600",
  ].join("\n");
  return {
    name,
    image: `${registry}/berth/busybox:latest`,
    config: { port: 8080, cmd: ["sh", "-c", script], healthCheck: { type: "http" as const, path: "/passwd" } },
  };
}

/** The numbers of the `tick N` lines the log view shows, in page order. */
async function ticks(page: Page): Promise<number[]> {
  const texts = await page.getByTestId("app-log").getByTestId("app-log-text").allTextContents();
  return texts.flatMap((t) => {
    const m = /^tick (\d+)$/.exec(t);
    return m ? [Number(m[1])] : [];
  });
}

test("a container's output reaches the log view live, safely rendered, and resumes after a network drop without gap or duplicate", async ({
  browser,
  request,
}) => {
  test.setTimeout(4 * 60_000);
  const owner = await seedSignedIn(browser, request, "logs", baseURL());
  const slug = `t-${rand()}`;
  const name = `chatty-${rand()}`;
  const api = owner.context.request;
  try {
    await call(api, "createTeam", { body: { slug, name: `Team ${slug}` } });
    await call(api, "createApp", { params: { team: slug }, body: chattyApp(name) });
    const page = owner.page;

    // The apps list follows the deploy started elsewhere (here: the API) without a reload or a timer.
    await page.goto("/apps");
    const row = page.locator(`[data-testid="app-row"][data-app="${slug}/${name}"]`);
    await expect(row).toContainText("never deployed");
    await call(api, "createDeployment", { params: { team: slug, app: name }, body: {} });
    await expect(row.getByTestId("app-status")).toHaveAttribute("data-status", "live", { timeout: FIRST_LINE_TIMEOUT });

    await row.getByRole("link", { name, exact: true }).click();
    await page.getByRole("link", { name: "Logs", exact: true }).click();
    await expect(page).toHaveURL(/\?tab=logs$/);
    const log = page.getByTestId("app-log");

    // Lines printed in the container appear while the page is open.
    await expect(log).toContainText(/tick \d+/, { timeout: FIRST_LINE_TIMEOUT });
    const first = Math.max(...(await ticks(page)));
    await expect.poll(async () => Math.max(...(await ticks(page))), { timeout: 20_000 }).toBeGreaterThan(first + 3);

    // The payload is shown as text: no element made from it, no script run.
    await expect(log.getByText(PAYLOAD).first()).toBeVisible({ timeout: 20_000 });
    expect(await log.locator("img, script").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // The colour is a styled span holding the coloured words only; escapes never reach the text.
    const green = log.locator("span[data-ansi]", { hasText: /^green line \d+$/ }).first();
    await expect(green).toBeVisible();
    expect(await green.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(74, 222, 128)");
    expect((await log.textContent()) ?? "").not.toContain("\u001b");

    // stderr lines are marked.
    const oops = log.locator('[data-testid="app-log-line"][data-stream="stderr"]', { hasText: /oops \d+/ }).first();
    await expect(oops).toBeVisible();
    await expect(oops.getByTestId("log-stderr-badge")).toHaveText(/err/i);
    await expect(log.locator('[data-testid="app-log-line"][data-stream="stdout"]', { hasText: /^.*tick \d+$/ }).first()).toBeVisible();

    // Drop the network long enough for the socket to notice, then come back. (Chromium's offline
    // mode leaves an open WebSocket be, and engine.io skips its "offline" listener on localhost:
    // the drop is noticed by the missing pings, 25 + 20 s.)
    const state = page.getByTestId("log-state");
    await expect(state).toHaveAttribute("data-connected", "true");
    const beforeDrop = Math.max(...(await ticks(page)));
    await owner.context.setOffline(true);
    await expect(state).toHaveAttribute("data-connected", "false", { timeout: 75_000 });
    // Lines keep being printed meanwhile (five a second): a few seconds' worth is missed live.
    await page.waitForTimeout(4_000);
    await owner.context.setOffline(false);
    await expect(state).toHaveAttribute("data-connected", "true", { timeout: 30_000 });
    await expect.poll(async () => Math.max(...(await ticks(page))), { timeout: 30_000 }).toBeGreaterThan(beforeDrop + 30);

    // Every numbered line from the first shown to the last, each once, in order.
    const seen = await ticks(page);
    const lowest = seen[0] ?? 0;
    expect(seen.length).toBeGreaterThan(30);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => lowest + i));

    // The Metrics tab shows the app's CPU and memory.
    await page.getByRole("link", { name: "Metrics", exact: true }).click();
    const whole = page.getByTestId("metrics-app");
    await expect(whole.getByTestId("metric-cpu")).toHaveText(/^\d+(\.\d)? %$/, { timeout: 30_000 });
    await expect(whole.getByTestId("metric-memory")).toHaveText(/\d+(\.\d)? (B|KiB|MiB|GiB)/);
    const memory = Number(await whole.getByTestId("metric-memory").getAttribute("data-value"));
    expect(memory).toBeGreaterThan(0);
    await expect(page.getByTestId("metrics-container").first()).toBeVisible();
  } finally {
    await call(api, "deleteApp", { params: { team: slug, app: name } }).catch(() => undefined);
    await call(api, "deleteTeam", { params: { team: slug } }).catch(() => undefined);
    await owner.context.close();
  }
});
