// The admin page's Registries form: where images may come from (any, only listed, only Berth's own)
// and the pull-through caches, one "registry upstream" a line. The journey restricts the instance to
// one listed registry and sees a bad cache line refused with its reason, then puts the defaults back.
import { expect, test } from "./fixtures.ts";
import { call } from "./support.ts";

const email = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost";
const password = process.env.BERTH_ADMIN_PASSWORD ?? "";

test("an instance admin allows only listed registries, and a cache upstream with a path is refused with its reason", async ({ page, baseURL }) => {
  const signIn = await page.request.post("/api/auth/sign-in/email", { headers: { origin: baseURL ?? "" }, data: { email, password } });
  expect(signIn.status(), await signIn.text()).toBe(200);
  const before = await call(page.request, "getSettings");
  try {
    await page.goto("/admin");
    const form = page.getByTestId("registries-form");
    await expect(form.getByRole("radio", { name: /Any registry/ })).toBeChecked();
    await expect(form.getByLabel("Pull-through caches")).toHaveValue("docker.io https://registry-1.docker.io");

    await form.getByLabel("Pull-through caches").fill("docker.io https://registry-1.docker.io/v2");
    await form.getByRole("button", { name: "Save registries" }).click();
    await expect(page.getByTestId("form-error")).toContainText(/no path/);
    expect((await call(page.request, "getSettings")).registryCaches).toEqual(before.registryCaches);

    await form.getByRole("radio", { name: /Only the listed registries/ }).check();
    await form.getByLabel("Allowed registries").fill("ghcr.io\nregistry.example.com:5000");
    await form.getByLabel("Pull-through caches").fill("docker.io https://registry-1.docker.io");
    await form.getByRole("button", { name: "Save registries" }).click();
    await expect(page.getByTestId("settings-saved")).toBeVisible();
    const after = await call(page.request, "getSettings");
    expect(after.registryRule).toBe("listed");
    expect(after.registryAllow).toEqual(["ghcr.io", "registry.example.com:5000"]);
    await expect(page.getByTestId("registries-form").getByRole("radio", { name: /Only the listed registries/ })).toBeChecked();
  } finally {
    await call(page.request, "updateSettings", {
      body: { registryRule: before.registryRule, registryAllow: before.registryAllow, registryCaches: before.registryCaches },
    });
  }
});
