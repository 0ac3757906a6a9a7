// The test network's DNS server: A records the test sets, NXDOMAIN for every other name, never a
// recursive lookup. In-process (startTestDns) or as a child process (this file run with --listen
// HOST:PORT…), which prints {"ready":…} and then takes JSON-line commands on stdin:
//   {"id":1,"op":"set","name":"registry.berth.test","address":"10.231.0.200"}
//   {"id":2,"op":"remove","name":"registry.berth.test"}
//   {"id":3,"op":"queries"}        -> {"id":3,"queries":[{"name","type","from"}…]}
// and exits when its stdin ends.
import { createSocket, type Socket } from "node:dgram";
import { isIPv4 } from "node:net";
import { pathToFileURL } from "node:url";
import { type Answer, CLASS_IN, encodeResponse, RCODE, readDatagram, TYPE } from "../../worker/src/router/dns-message.ts";
import { emit, serveJsonLines } from "./jsonl-child.ts";

// Test records change between steps; nothing may keep an old answer.
const TTL = 0;

export type QueryRecord = { name: string; type: number; from: string };

export type TestDns = {
  listening: { host: string; port: number }[];
  set(name: string, address: string): void;
  remove(name: string): void;
  queries(): QueryRecord[];
  close(): Promise<void>;
};

export async function startTestDns(listen: readonly { host: string; port: number }[]): Promise<TestDns> {
  const records = new Map<string, string>();
  const seen: QueryRecord[] = [];
  const answer = (message: Buffer, from: string): Buffer | null => {
    const datagram = readDatagram(message);
    // Malformed queries get no answer here (the router answers them FORMERR).
    if (datagram.kind !== "query") return null;
    const { id, query } = datagram;
    const base = { id, opcode: query.opcode, recursionDesired: query.recursionDesired };
    const [question] = query.questions;
    if (query.opcode !== 0 || !question) return encodeResponse({ ...base, rcode: RCODE.NOTIMP, answers: [] });
    const name = question.name.toLowerCase().replace(/\.$/, "");
    if (seen.length < 10_000) seen.push({ name, type: question.type, from });
    const address = records.get(name);
    if (question.class !== CLASS_IN) return encodeResponse({ ...base, question, rcode: RCODE.REFUSED, answers: [] });
    if (address === undefined) return encodeResponse({ ...base, question, rcode: RCODE.NXDOMAIN, answers: [] });
    // A known name asked for another type (AAAA): an empty answer, so resolvers keep the A record.
    const answers: Answer[] = question.type === TYPE.A ? [{ type: "A", name: question.name, ttl: TTL, address }] : [];
    return encodeResponse({ ...base, question, rcode: RCODE.NOERROR, answers });
  };

  const sockets: Socket[] = [];
  const listening: { host: string; port: number }[] = [];
  try {
    for (const { host, port } of listen) {
      const socket = createSocket("udp4");
      socket.on("message", (msg, peer) => {
        const reply = answer(msg, peer.address);
        if (reply) socket.send(reply, peer.port, peer.address);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind(port, host, () => {
          socket.off("error", reject);
          resolve();
        });
      });
      socket.on("error", () => {});
      sockets.push(socket);
      listening.push({ host, port: socket.address().port });
    }
  } catch (err) {
    for (const s of sockets) s.close();
    throw err;
  }

  return {
    listening,
    set(name, address) {
      if (!isIPv4(address)) throw new Error(`not an IPv4 address: ${address}`);
      records.set(name.toLowerCase().replace(/\.$/, ""), address);
    },
    remove(name) {
      records.delete(name.toLowerCase().replace(/\.$/, ""));
    },
    queries: () => [...seen],
    close: () => Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => {}),
  };
}

async function main(argv: string[]): Promise<void> {
  const listen: { host: string; port: number }[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== "--listen") continue;
    const [host, port] = (argv[++i] ?? "").split(":");
    if (!host || port === undefined || !isIPv4(host)) throw new Error(`--listen HOST:PORT, got ${argv[i]}`);
    listen.push({ host, port: Number(port) });
  }
  const dns = await startTestDns(listen);
  emit({ ready: true, listening: dns.listening });
  serveJsonLines(
    (command) => {
      switch (command.op) {
        case "set":
          dns.set(String(command.name), String(command.address));
          return { ok: true };
        case "remove":
          dns.remove(String(command.name));
          return { ok: true };
        case "queries":
          return { queries: dns.queries() };
        default:
          throw new Error(`unknown op ${String(command.op)}`);
      }
    },
    () => void dns.close().then(() => process.exit(0)),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
