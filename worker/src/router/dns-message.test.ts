import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DnsFormatError, encodeName, encodeResponse, parseQuery, RCODE, readName, TYPE } from "./dns-message.ts";

// A query as resolvers send it: id, RD set, one question, and an EDNS OPT record in "additional".
const query = (name: string, type: number, id = 0x1234) =>
  Buffer.concat([
    Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]),
    encodeName(name),
    Buffer.from([0, type, 0, 1]),
    Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]),
  ]);

describe("parseQuery", () => {
  it("reads the id, the RD flag and the question, ignoring the EDNS record", () => {
    const q = parseQuery(query("Web-Acme.localhost", TYPE.SRV));
    assert.deepEqual(q, { id: 0x1234, opcode: 0, recursionDesired: true, questions: [{ name: "Web-Acme.localhost", type: 33, class: 1 }] });
  });

  it("refuses a message that is a response, or whose question runs past its end", () => {
    const res = query("a.localhost", TYPE.A);
    res[2] = 0x81;
    assert.throws(() => parseQuery(res), DnsFormatError);
    assert.throws(() => parseQuery(query("a.localhost", TYPE.A).subarray(0, 20)), DnsFormatError);
    assert.throws(() => parseQuery(Buffer.alloc(5)), DnsFormatError);
  });
});

describe("readName", () => {
  it("follows compression pointers and reports where the name ended", () => {
    // "localhost" at 0, then "web" + pointer to 0 at offset 11.
    const buf = Buffer.concat([encodeName("localhost"), Buffer.from([3]), Buffer.from("web"), Buffer.from([0xc0, 0])]);
    assert.deepEqual(readName(buf, 11), { name: "web.localhost", next: 17 });
  });

  it("stops on a pointer loop instead of spinning", () => {
    assert.throws(() => readName(Buffer.from([0xc0, 0]), 0), /too many compression pointers/);
  });
});

describe("encodeResponse", () => {
  it("writes an authoritative SRV answer with the question echoed", () => {
    const question = { name: "web-acme.localhost", type: TYPE.SRV, class: 1 };
    const buf = encodeResponse({
      id: 7,
      opcode: 0,
      recursionDesired: true,
      rcode: RCODE.NOERROR,
      question,
      answers: [{ type: "SRV", name: question.name, ttl: 0, priority: 10, weight: 10, port: 8081, target: "127-0-0-1.ip.berth." }],
    });
    assert.equal(buf.readUInt16BE(0), 7);
    assert.equal(buf.readUInt16BE(2), 0x8500, "QR, AA and RD set; NOERROR");
    assert.deepEqual([buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)], [1, 1, 0, 0]);
    const q = readName(buf, 12);
    assert.equal(q.name, "web-acme.localhost");
    const answer = readName(buf, q.next + 4);
    assert.equal(answer.name, "web-acme.localhost");
    let at = answer.next;
    assert.deepEqual([buf.readUInt16BE(at), buf.readUInt16BE(at + 2), buf.readUInt32BE(at + 4)], [33, 1, 0]);
    const rdlength = buf.readUInt16BE(at + 8);
    at += 10;
    assert.deepEqual([buf.readUInt16BE(at), buf.readUInt16BE(at + 2), buf.readUInt16BE(at + 4)], [10, 10, 8081]);
    assert.deepEqual(readName(buf, at + 6), { name: "127-0-0-1.ip.berth", next: at + rdlength });
    assert.equal(at + rdlength, buf.length);
  });

  it("writes an A record's address as four bytes and NXDOMAIN as the rcode", () => {
    const a = encodeResponse({ id: 1, opcode: 0, recursionDesired: false, rcode: 0, answers: [{ type: "A", name: "x", ttl: 1, address: "10.199.0.1" }] });
    assert.deepEqual([...a.subarray(a.length - 4)], [10, 199, 0, 1]);
    const nx = encodeResponse({ id: 1, opcode: 0, recursionDesired: false, rcode: RCODE.NXDOMAIN, answers: [] });
    assert.equal(nx.readUInt16BE(2) & 0xf, 3);
  });

  it("refuses a label longer than 63 bytes", () => {
    assert.throws(() => encodeName(`${"a".repeat(64)}.localhost`), DnsFormatError);
  });
});
