// Tests that send Berth's outbound requests (webhooks, repository fetches) to a listener of their
// own allow exactly that destination, as an instance admin would (PATCH /api/v1/admin/settings):
// one address and port, never a blanket loopback allowance. `restore` takes the entries out again.
import { call } from "./api.ts";

export async function allowOutbound(adminCookie: string, entries: string[]): Promise<{ restore: () => Promise<void> }> {
  const change = async (edit: (list: string[]) => string[]) => {
    const now = await call("getSettings", { cookie: adminCookie });
    if (now.status !== 200) throw new Error(`getSettings: ${now.status} ${JSON.stringify(now.body)}`);
    const res = await call("updateSettings", { cookie: adminCookie, body: { outboundAllow: edit(now.body.outboundAllow as string[]) } });
    if (res.status !== 200) throw new Error(`updateSettings: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await change((list) => [...new Set([...list, ...entries])]);
  return { restore: () => change((list) => list.filter((e) => !entries.includes(e))) };
}
