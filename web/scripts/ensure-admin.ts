// Run by `npm run up`: create the first instance admin unless one exists.
import { env } from "../src/env.ts";
import { ensureAdmin } from "../src/server/admin/ensure-admin.ts";
import { ctx } from "../src/server/context.ts";

const e = env();
if (!e.BERTH_ADMIN_EMAIL || !e.BERTH_ADMIN_PASSWORD) throw new Error("BERTH_ADMIN_EMAIL and BERTH_ADMIN_PASSWORD must be set");
const { db, auth, redis } = ctx();
const res = await ensureAdmin({ db, auth }, { email: e.BERTH_ADMIN_EMAIL, password: e.BERTH_ADMIN_PASSWORD });
process.stdout.write(res.created ? `    admin: created ${res.email}\n` : `    admin: ${res.email} exists\n`);
await db.$disconnect();
redis.disconnect();
