// Run by `npm run up`: create the first instance admin unless one exists.
import { setupEnv } from "../src/env.ts";
import { ensureAdmin } from "../src/server/admin/ensure-admin.ts";
import { ctx } from "../src/server/context.ts";

const setup = setupEnv();
const { db, auth, redis } = ctx();
const res = await ensureAdmin({ db, auth }, { email: setup.BERTH_ADMIN_EMAIL, password: setup.BERTH_ADMIN_PASSWORD });
process.stdout.write(res.created ? `    admin: created ${res.email}\n` : `    admin: ${res.email} exists\n`);
await db.$disconnect();
redis.disconnect();
