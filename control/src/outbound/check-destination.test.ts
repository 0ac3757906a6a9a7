// Addresses written in the URL and `localhost` (from /etc/hosts): no DNS server involved.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AllowEntry, parseAllowEntry } from "@berth/core/outbound-allow";
import { checkDestination } from "./check-destination.ts";
import type { OutboundPolicy } from "./outbound-policy.ts";

const policy = (allow: string[] = [], own: string[] = []): OutboundPolicy => ({
  allow: allow.map((r) => parseAllowEntry(r) as AllowEntry),
  ownAddresses: new Set(own),
});

describe("checkDestination", () => {
  it("refuses Caddy's admin API on loopback with a message saying why and how to allow it", async () => {
    await assert.rejects(checkDestination(policy(), "http://127.0.0.1:2019/stop"), (e: Error) => {
      assert.equal(
        e.message,
        "refused: http://127.0.0.1:2019/stop resolves to 127.0.0.1, a loopback address; Berth sends requests only to public addresses unless an instance admin allows this one (Admin → Settings → Outbound allow list)",
      );
      assert.equal((e as { code?: string }).code, "BAD_REQUEST");
      return true;
    });
  });

  it("refuses localhost, mapped and numeric forms of loopback, metadata and private addresses", async () => {
    for (const url of [
      "http://localhost:8080/",
      "http://[::ffff:127.0.0.1]/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://0.0.0.0:2019/",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.231.0.201/",
      "http://[fd00::1]/",
      "https://100.64.1.1/",
    ])
      await assert.rejects(checkDestination(policy(), url), /refused: .* resolves to/, url);
  });

  it("hides credentials in the message", async () => {
    await assert.rejects(checkDestination(policy(), "http://user:s3cret@127.0.0.1/"), (e: Error) => !e.message.includes("s3cret"));
  });

  it("refuses the control plane's own public addresses and names them so", async () => {
    await assert.rejects(checkDestination(policy([], ["8.8.4.4"]), "https://8.8.4.4/"), /an address of Berth's own servers/);
  });

  it("lets public addresses through, pinned to the checked address", async () => {
    const d = await checkDestination(policy(), "https://8.8.8.8:8443/x?y=1");
    assert.deepEqual([d.host, d.port, d.address, d.family], ["8.8.8.8", 8443, "8.8.8.8", 4]);
  });

  it("an admin's exact entry opens loopback; a range never does", async () => {
    assert.equal((await checkDestination(policy(["127.0.0.1"]), "http://127.0.0.1:9/")).address, "127.0.0.1");
    assert.equal((await checkDestination(policy(["localhost"]), "http://localhost:9/")).address, "127.0.0.1");
    await assert.rejects(checkDestination(policy(["127.0.0.0/8"]), "http://127.0.0.1:9/"), /loopback/);
    assert.equal((await checkDestination(policy(["10.231.0.0/24"]), "http://10.231.0.200/")).address, "10.231.0.200");
    await assert.rejects(checkDestination(policy(["10.0.0.0/8"], ["10.231.0.1"]), "http://10.231.0.1/"), /Berth's own servers/);
  });

  it("refuses other schemes", async () => {
    await assert.rejects(checkDestination(policy(), "git://example.com/x.git"), /only http:\/\/ and https:\/\//);
  });
});

describe("checkDestination with an entry for one port", () => {
  it("opens that port of loopback and no other", async () => {
    assert.equal((await checkDestination(policy(["127.0.0.1:5001"]), "http://127.0.0.1:5001/v2/")).port, 5001);
    await assert.rejects(checkDestination(policy(["127.0.0.1:5001"]), "http://127.0.0.1:2019/stop"), /loopback/);
    assert.equal((await checkDestination(policy(["10.231.0.200:443"]), "https://10.231.0.200/")).port, 443);
  });
});
