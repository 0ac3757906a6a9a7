// The admin page's Settings card: the sign-up switch, the outbound allow list (one entry a line,
// each checked by the API) and the four quotas per team. The journey changes one quota upwards and
// adds a made-up host name, then puts both back through the API.
import { expect, test } from "./fixtures.ts";
import { call, rand } from "./support.ts";

const email = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost";
const password = process.env.BERTH_ADMIN_PASSWORD ?? "";

test("an instance admin sets the outbound allow list and a quota, and a bad entry is refused with its reason", async ({ page, baseURL }) => {
  const signIn = await page.request.post("/api/auth/sign-in/email", { headers: { origin: baseURL ?? "" }, data: { email, password } });
  expect(signIn.status(), await signIn.text()).toBe(200);
  const before = await call(page.request, "getSettings");
  try {
    await page.goto("/admin");
    const card = page.locator("section", { has: page.getByRole("heading", { name: "Settings" }) });
    await expect(card.getByTestId("signup-state")).toBeVisible();
    await expect(card.getByLabel("Replicas")).toHaveValue(String(before.maxReplicas));
    await expect(card.getByLabel("Registry storage (MiB)")).toHaveValue(String(before.maxStorageMiB));

    const list = card.getByLabel("Outbound allow list");
    await list.fill([...before.outboundAllow, "not a host!"].join("\n"));
    await card.getByRole("button", { name: "Save settings" }).click();
    await expect(card.getByTestId("form-error")).toContainText(/host name/);
    expect((await call(page.request, "getSettings")).outboundAllow).toEqual(before.outboundAllow);

    const host = `registry-${rand()}.corp.test`;
    await list.fill([...before.outboundAllow, host].join("\n"));
    await card.getByLabel("Replicas").fill(String(before.maxReplicas + 1));
    await card.getByRole("button", { name: "Save settings" }).click();
    await expect(card.getByTestId("settings-saved")).toBeVisible();
    const after = await call(page.request, "getSettings");
    expect(after.outboundAllow).toEqual([...before.outboundAllow, host]);
    expect(after.maxReplicas).toBe(before.maxReplicas + 1);
    await expect(card.getByLabel("Outbound allow list")).toHaveValue([...before.outboundAllow, host].join("\n"));
  } finally {
    await call(page.request, "updateSettings", { body: { outboundAllow: before.outboundAllow, maxReplicas: before.maxReplicas } });
  }
});
