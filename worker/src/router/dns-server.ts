// The router's DNS answers, over UDP on 127.0.0.1:
//   SRV <hostname>.           -> one record per upstream: priority 10, weight 10, port, ipTarget(address)
//   A   <a-b-c-d>.ip.berth.   -> a.b.c.d
// A known name asked for another type gets an empty answer; an unknown name gets NXDOMAIN.
import { createSocket, type Socket } from "node:dgram";
import type { Logger } from "@berth/core/logger";
import { ipTarget, parseIpTarget } from "@berth/core/routes";
import { type Answer, CLASS_IN, encodeResponse, type Question, RCODE, readDatagram, TYPE } from "./dns-message.ts";
import type { RouteTable } from "./route-table.ts";

// Caddy keeps each answer for its own refresh interval; resolvers must not add a cache of their own.
const TTL = 0;
/** The largest answer sent over UDP: the EDNS size Caddy's (Go's) resolver offers and reads (dnsflagday.net/2020). */
export const MAX_UDP_ANSWER = 1232;

export function resolve(q: Question, table: RouteTable): { rcode: number; answers: Answer[] } {
  if (q.class !== CLASS_IN) return { rcode: RCODE.REFUSED, answers: [] };
  const address = parseIpTarget(q.name);
  if (address) {
    return { rcode: RCODE.NOERROR, answers: q.type === TYPE.A ? [{ type: "A", name: q.name, ttl: TTL, address }] : [] };
  }
  const route = table.lookup(q.name);
  if (!route) return { rcode: RCODE.NXDOMAIN, answers: [] };
  if (q.type !== TYPE.SRV) return { rcode: RCODE.NOERROR, answers: [] };
  return {
    rcode: RCODE.NOERROR,
    answers: route.upstreams.map((u) => ({ type: "SRV", name: q.name, ttl: TTL, priority: 10, weight: 10, port: u.port, target: ipTarget(u.address) })),
  };
}

/** The response to one datagram, or null when it is not worth answering (not even a header). */
export function answer(message: Buffer, table: RouteTable): Buffer | null {
  const datagram = readDatagram(message);
  if (datagram.kind === "ignore") return null;
  const { id } = datagram;
  if (datagram.kind === "malformed") return encodeResponse({ id, opcode: 0, recursionDesired: false, rcode: RCODE.FORMERR, answers: [] });
  const { query } = datagram;
  const base = { id, opcode: query.opcode, recursionDesired: query.recursionDesired };
  if (query.opcode !== 0) return encodeResponse({ ...base, rcode: RCODE.NOTIMP, answers: [] });
  const [question] = query.questions;
  if (!question || query.questions.length !== 1) return encodeResponse({ ...base, rcode: RCODE.FORMERR, answers: [] });
  const resolved = resolve(question, table);
  const reply = encodeResponse({ ...base, question, ...resolved });
  if (reply.length <= MAX_UDP_ANSWER) return reply;
  // More upstreams than one datagram holds (about 29): a random subset that fits. Caddy asks again
  // every ROUTE_REFRESH_MS, so its requests still spread over all of them.
  const answers = shuffled(resolved.answers);
  let fitting = reply;
  while (fitting.length > MAX_UDP_ANSWER && answers.length > 1) {
    answers.pop();
    fitting = encodeResponse({ ...base, question, rcode: resolved.rcode, answers });
  }
  return fitting;
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export type DnsServer = { port: number; close(): Promise<void> };

export function startDnsServer(opts: { host: string; port: number; table: RouteTable; log: Logger }): Promise<DnsServer> {
  const socket: Socket = createSocket("udp4");
  socket.on("message", (msg, peer) => {
    let reply: Buffer | null;
    try {
      reply = answer(msg, opts.table);
    } catch (err) {
      opts.log.error({ err, peer: `${peer.address}:${peer.port}` }, "answering a DNS query failed");
      reply = msg.length >= 12 ? encodeResponse({ id: msg.readUInt16BE(0), opcode: 0, recursionDesired: false, rcode: RCODE.SERVFAIL, answers: [] }) : null;
    }
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  return new Promise((resolvePromise, reject) => {
    socket.once("error", reject);
    socket.bind(opts.port, opts.host, () => {
      socket.off("error", reject);
      socket.on("error", (err) => opts.log.error({ err }, "DNS socket error"));
      resolvePromise({
        port: socket.address().port,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
