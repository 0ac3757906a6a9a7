// The journeys' `test`: Playwright's, with every browser context guarded against Chromium's
// ERR_NETWORK_CHANGED. The browser shares its network namespace with the Docker engines the tests
// drive; each new team network is a new bridge address, and Chromium aborts requests in flight when
// addresses change. A page whose script or stylesheet was aborted that way is broken for good, so it
// is loaded again (at most three times); nothing else is retried.
import { type BrowserContext, test as base, type Page } from "@playwright/test";

export { expect } from "@playwright/test";

const RELOADS = 3;

export function guardNetworkChanges(context: BrowserContext): BrowserContext {
  const reloads = new WeakMap<Page, number>();
  context.on("requestfailed", (request) => {
    if (!request.failure()?.errorText.includes("ERR_NETWORK_CHANGED")) return;
    if (!["script", "stylesheet"].includes(request.resourceType())) return;
    let page: Page;
    try {
      page = request.frame().page();
    } catch {
      return; // a worker's request: no page to reload
    }
    const n = reloads.get(page) ?? 0;
    if (n >= RELOADS) return;
    reloads.set(page, n + 1);
    void page.reload().catch(() => {});
  });
  return context;
}

export const test = base.extend({
  context: async ({ context }, use) => {
    await use(guardNetworkChanges(context));
  },
});
