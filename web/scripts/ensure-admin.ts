// Run by `npm run up`: create the first instance admin unless one exists. The admin's settings
// are read here only: the running web process never holds the first password.
import { parseConfig } from "@berth/core/config";
import { z } from "zod";
import { ensureAdmin } from "../src/server/admin/ensure-admin.ts";
import { ctx } from "../src/server/context.ts";

const setup = parseConfig(z.object({ BERTH_ADMIN_EMAIL: z.string().email(), BERTH_ADMIN_PASSWORD: z.string().min(10) }), process.env, "ensure-admin");
const { db, auth, redis } = ctx();
const res = await ensureAdmin({ db, auth }, { email: setup.BERTH_ADMIN_EMAIL, password: setup.BERTH_ADMIN_PASSWORD });
process.stdout.write(res.created ? `    admin: created ${res.email}\n` : `    admin: ${res.email} exists\n`);
await db.$disconnect();
redis.disconnect();
