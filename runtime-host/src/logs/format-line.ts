// From the raw bytes of a kept line to the text that leaves the host: decoded, cut to
// LOG_LINE_MAX_BYTES on a character boundary with a marker saying how much was cut, secrets redacted.
import type { RawLine } from "./line-assembler.ts";
import type { Redactor } from "./redact.ts";

const number = new Intl.NumberFormat("en-US");
export const formatCount = (n: number) => number.format(n);

export function formatLine(line: RawLine, maxBytes: number, redactor: Redactor): string {
  if (line.totalBytes <= maxBytes) return redactor.redact(line.bytes.toString("utf8"));
  const end = utf8Boundary(line.bytes, Math.min(line.bytes.length, maxBytes));
  const text = redactor.redactCutEnd(line.bytes.toString("utf8", 0, end));
  return `${text}… [cut ${formatCount(line.totalBytes - end)} bytes]`;
}

/** The largest end <= `end` that does not split a UTF-8 sequence of `bytes`. */
function utf8Boundary(bytes: Buffer, end: number): number {
  let start = end - 1;
  // Step back over continuation bytes (10xxxxxx) to the last character's first byte.
  while (start > 0 && end - start < 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = bytes[start] ?? 0;
  const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start >= 0 && start + size > end ? start : end;
}

export const dropMarker = (dropped: number, why: string) => `[berth] ${formatCount(dropped)} line${dropped === 1 ? "" : "s"} dropped (${why})`;
