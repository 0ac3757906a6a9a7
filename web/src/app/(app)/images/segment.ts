/**
 * A dynamic route segment as the name it stands for. Repository names may contain "/", which
 * links send as %2F inside one segment; registry names never contain "%", so decoding an
 * already-decoded value changes nothing.
 */
export function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
