// The small part of the DNS wire format (RFC 1035, SRV from RFC 2782) the router needs: parse a
// query, encode an answer with A and SRV records. An answer's owner name, when it is the question's,
// is a compression pointer to it (RFC 1035 4.1.4): without it an app's SRV answer outgrows the 1232
// bytes Caddy's resolver reads at about 17 upstreams. SRV targets are never compressed (RFC 2782).

export const TYPE = { A: 1, AAAA: 28, SRV: 33 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export type Question = { name: string; type: number; class: number };

export type Query = {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  questions: Question[];
};

export type Answer =
  | { type: "A"; name: string; ttl: number; address: string }
  | { type: "SRV"; name: string; ttl: number; priority: number; weight: number; port: number; target: string };

export type Response = {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  rcode: number;
  question?: Question;
  answers: Answer[];
};

export class DnsFormatError extends Error {}

const HEADER = 12;
const MAX_NAME = 255;

/** Parses a query's header and questions; the answer, authority and additional sections (EDNS) are ignored. */
export function parseQuery(buf: Buffer): Query {
  if (buf.length < HEADER) throw new DnsFormatError("message shorter than its header");
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) throw new DnsFormatError("a response, not a query");
  const qdcount = buf.readUInt16BE(4);
  const questions: Question[] = [];
  let offset = HEADER;
  for (let i = 0; i < qdcount; i++) {
    const { name, next } = readName(buf, offset);
    if (next + 4 > buf.length) throw new DnsFormatError("question cut short");
    questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
    offset = next + 4;
  }
  return { id: buf.readUInt16BE(0), opcode: (flags >> 11) & 0xf, recursionDesired: Boolean(flags & 0x0100), questions };
}

/** Reads a (possibly compressed) name at `offset`; `next` is the offset after it in the message. */
export function readName(buf: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  let length = 0;
  for (let jumps = 0; ; ) {
    if (pos >= buf.length) throw new DnsFormatError("name runs past the message");
    const len = buf[pos] ?? 0;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError("pointer runs past the message");
      if (++jumps > 16) throw new DnsFormatError("too many compression pointers");
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | (buf[pos + 1] ?? 0);
      continue;
    }
    if (len & 0xc0) throw new DnsFormatError("unknown label type");
    if (pos + 1 + len > buf.length) throw new DnsFormatError("label runs past the message");
    length += len + 1;
    if (length > MAX_NAME) throw new DnsFormatError("name longer than 255 bytes");
    labels.push(buf.toString("latin1", pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join("."), next };
}

/** A name in wire format: length-prefixed labels and the root label. A trailing dot is allowed. */
export function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, "latin1");
    if (bytes.length > 63) throw new DnsFormatError(`label longer than 63 bytes: ${label}`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > MAX_NAME) throw new DnsFormatError("name longer than 255 bytes");
  return out;
}

/** An authoritative response echoing the question. */
export function encodeResponse(res: Response): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(res.id, 0);
  // QR=1, the query's opcode, AA=1 (resolvers treat an empty non-authoritative answer as a lame
  // referral), RD echoed, RA=0 (this server never recurses).
  header.writeUInt16BE(0x8000 | ((res.opcode & 0xf) << 11) | 0x0400 | (res.recursionDesired ? 0x0100 : 0) | (res.rcode & 0xf), 2);
  header.writeUInt16BE(res.question ? 1 : 0, 4);
  header.writeUInt16BE(res.answers.length, 6);
  const parts: Buffer[] = [header];
  if (res.question) parts.push(encodeName(res.question.name), u16(res.question.type), u16(res.question.class));
  // The question's name starts right after the header.
  const questionName = res.question?.name;
  for (const a of res.answers) parts.push(encodeAnswer(a, a.name === questionName ? POINTER_TO_QUESTION : undefined));
  return Buffer.concat(parts);
}

const POINTER_TO_QUESTION = Buffer.from([0xc0, HEADER]);

function encodeAnswer(a: Answer, owner?: Buffer): Buffer {
  let rdata: Buffer;
  switch (a.type) {
    case "A":
      rdata = Buffer.from(a.address.split(".").map(Number));
      if (rdata.length !== 4) throw new DnsFormatError(`not an IPv4 address: ${a.address}`);
      break;
    case "SRV":
      rdata = Buffer.concat([u16(a.priority), u16(a.weight), u16(a.port), encodeName(a.target)]);
      break;
    default: {
      const never: never = a;
      throw new DnsFormatError(`unknown record ${JSON.stringify(never)}`);
    }
  }
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(TYPE[a.type], 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(a.ttl, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  const parts: Buffer[] = [owner ?? encodeName(a.name), fixed, rdata];
  return Buffer.concat(parts);
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
};

/** A datagram as a server sees it: not worth answering (no header, or a response sent to us), malformed (answer FORMERR), or a query. */
export type Datagram = { kind: "ignore" } | { kind: "malformed"; id: number } | { kind: "query"; id: number; query: Query };

export function readDatagram(message: Buffer): Datagram {
  if (message.length < 12) return { kind: "ignore" };
  const id = message.readUInt16BE(0);
  try {
    return { kind: "query", id, query: parseQuery(message) };
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err;
    return message.readUInt16BE(2) & 0x8000 ? { kind: "ignore" } : { kind: "malformed", id };
  }
}
