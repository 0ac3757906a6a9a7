// Fixed-window rate limits in Redis, shared by every web process.
import { AppError } from "@berth/core";
import type { Redis } from "ioredis";

export type Limit = { key: string; max: number; windowSeconds: number };

/** Counts one hit; throws RATE_LIMITED (HTTP 429) once the window's budget is spent. */
export async function consume(redis: Redis, limit: Limit, what: string): Promise<void> {
  const key = `berth:rl:${limit.key}`;
  const [[, count], [, ttl]] = (await redis.multi().incr(key).ttl(key).exec()) as [[null, number], [null, number]];
  if (ttl < 0) await redis.expire(key, limit.windowSeconds);
  if (count > limit.max) {
    const retry = ttl > 0 ? ttl : limit.windowSeconds;
    throw new AppError("RATE_LIMITED", `too many ${what}; try again in ${retry} s`, { retryAfter: retry });
  }
}

/** Throws RATE_LIMITED when a key's budget is already spent, without counting a hit. */
export async function refuseIfExhausted(redis: Redis, limit: Limit, message: string): Promise<void> {
  const key = `berth:rl:${limit.key}`;
  const [[, count], [, ttl]] = (await redis.multi().get(key).ttl(key).exec()) as [[null, string | null], [null, number]];
  if (Number(count ?? 0) >= limit.max) throw new AppError("RATE_LIMITED", message, { retryAfter: ttl > 0 ? ttl : limit.windowSeconds });
}

export const LIMITS = {
  signInPerIp: (ip: string): Limit => ({ key: `signin:ip:${ip}`, max: 30, windowSeconds: 60 }),
  /** Failed passwords for one account from one address (password-attempts.ts): never the account alone. */
  passwordFailuresPerIpAccount: (ip: string, account: string): Limit => ({ key: `pw:fail:${ip}:${account}`, max: 10, windowSeconds: 600 }),
  /** Failed passwords from one address, over all accounts. */
  passwordFailuresPerIp: (ip: string): Limit => ({ key: `pw:fail-ip:${ip}`, max: 100, windowSeconds: 600 }),
  signUpPerIp: (ip: string): Limit => ({ key: `signup:ip:${ip}`, max: 10, windowSeconds: 600 }),
  tokenCreatePerUser: (userId: string): Limit => ({ key: `token:create:${userId}`, max: 30, windowSeconds: 3600 }),
  badTokenPerIp: (ip: string): Limit => ({ key: `token:bad:${ip}`, max: 60, windowSeconds: 60 }),
  /** App push webhooks whose signature (or app) was wrong, per address. */
  badWebhookPerIp: (ip: string): Limit => ({ key: `webhook:bad:${ip}`, max: 60, windowSeconds: 60 }),
};
