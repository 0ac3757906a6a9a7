// The app page of an app deployed from source shows the exact `git push` commands to copy.
import { expect, test } from "./fixtures.ts";
import { call, rand, seedSignedIn } from "./support.ts";

test("an app built from source shows the git remote and push commands for its deploy branch", async ({ browser, request }) => {
  const baseURL = test.info().project.use.baseURL ?? "";
  const owner = await seedSignedIn(browser, request, "owner", baseURL);
  const slug = `t-${rand()}`;
  const name = `src-${rand()}`;
  try {
    await call(owner.context.request, "createTeam", { body: { slug, name: `Team ${slug}` } });
    await call(owner.context.request, "createApp", { params: { team: slug }, body: { name } });
    await owner.page.goto(`/apps/${slug}/${name}`);
    const commands = owner.page.getByTestId("git-push-command-text");
    await expect(commands).toContainText(`git remote add berth ${baseURL}/git/${slug}/${name}.git`);
    await expect(commands).toContainText("git push berth main");
  } finally {
    await call(owner.context.request, "deleteApp", { params: { team: slug, app: name } }).catch(() => undefined);
    await call(owner.context.request, "deleteTeam", { params: { team: slug } }).catch(() => undefined);
    await owner.context.close();
  }
});
