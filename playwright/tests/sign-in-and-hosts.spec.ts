import { expect, test } from "./fixtures.ts";

const email = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost";
const password = process.env.BERTH_ADMIN_PASSWORD ?? "";

test("an anonymous visitor is sent to the sign-in page", async ({ page }) => {
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fhosts/);
  await expect(page.getByRole("heading", { name: "Sign in to your account" })).toBeVisible();
});

test("a wrong password is refused with a readable message", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toContainText(/invalid email or password/i);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the admin signs in, sees the stack healthy and this machine's host online", async ({ page }) => {
  expect(password, "BERTH_ADMIN_PASSWORD must be set (npm test loads .berth/berth.env)").not.toBe("");
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);
  await expect(page.getByTestId("stack-status")).toHaveText("ok");

  await page.getByRole("link", { name: "Hosts" }).click();
  const table = page.getByTestId("hosts-table");
  await expect(table).toBeVisible();
  // Other hosts may be listed (offline ones from earlier tests, a second host); this machine's is online.
  const row = table.locator("tbody tr", { hasText: "online" }).first();
  await expect(row).toContainText("online");
  await expect(row).toContainText(/20\.10\./);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
});
