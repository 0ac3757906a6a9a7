// A fetch for the registry's HTTP API that answers its Bearer challenge the way docker does:
// on 401, ask the realm for a token (anonymously, or with Basic credentials) and retry once.
export type RegistryCredentials = { username: string; password: string };

export function parseChallenge(header: string | null): { realm: string; service?: string; scope?: string } | null {
  if (!header?.toLowerCase().startsWith("bearer ")) return null;
  const params = Object.fromEntries([...header.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  return params.realm ? (params as { realm: string; service?: string; scope?: string }) : null;
}

export async function registryFetch(url: string, init: RequestInit = {}, creds?: RegistryCredentials): Promise<Response> {
  const first = await fetch(url, init);
  if (first.status !== 401) return first;
  const challenge = parseChallenge(first.headers.get("www-authenticate"));
  if (!challenge) return first;
  await first.body?.cancel();
  const tokenUrl = new URL(challenge.realm);
  if (challenge.service) tokenUrl.searchParams.set("service", challenge.service);
  if (challenge.scope) tokenUrl.searchParams.set("scope", challenge.scope);
  const headers: Record<string, string> = creds ? { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}` } : {};
  const tokenRes = await fetch(tokenUrl, { headers });
  if (!tokenRes.ok) return tokenRes;
  const { token } = (await tokenRes.json()) as { token: string };
  return fetch(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers).entries()), authorization: `Bearer ${token}` } });
}
