// The caller's address. web listens on 127.0.0.1 only, behind Caddy, which replaces any
// X-Forwarded-For a client sends with the address it saw; direct callers are local processes.
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded && forwarded.length <= 64 ? forwarded : "127.0.0.1";
}
