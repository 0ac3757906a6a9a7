// Password guessing is limited by where the attempts come from, never by the account alone: a
// stranger failing someone's password from their address must not lock the owner out from
// elsewhere. Two budgets: failures for one account from one address (guessing one password), and
// failures from one address over all accounts (trying many). Access tokens never count here and are
// never refused by these budgets (caller.ts and authenticate-basic.ts limit invalid tokens apart).
// Shared by sign-in (auth.ts) and Basic logins to git and the registry (authenticate-basic.ts).
import type { Redis } from "ioredis";
import { consume, LIMITS, refuseIfExhausted } from "./rate-limit.ts";

const accountKey = (account: string) => account.trim().toLowerCase().slice(0, 254);

/** Throws RATE_LIMITED when this address has spent its failures, for this account or over all of them. */
export async function refusePasswordAttempt(redis: Redis, ip: string, account: string): Promise<void> {
  await refuseIfExhausted(redis, LIMITS.passwordFailuresPerIp(ip), "too many failed logins from your address; try again in 10 minutes");
  await refuseIfExhausted(
    redis,
    LIMITS.passwordFailuresPerIpAccount(ip, accountKey(account)),
    "too many failed logins for this account from your address; try again in 10 minutes",
  );
}

/** Counts one failed password for this address and account. */
export async function countPasswordFailure(redis: Redis, ip: string, account: string): Promise<void> {
  await consume(redis, LIMITS.passwordFailuresPerIpAccount(ip, accountKey(account)), "failed logins").catch(() => {});
  await consume(redis, LIMITS.passwordFailuresPerIp(ip), "failed logins").catch(() => {});
}
