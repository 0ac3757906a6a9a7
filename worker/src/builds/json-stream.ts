// The Docker Engine reports builds, pushes and pulls as a stream of JSON messages, one per line,
// with failures in-band (HTTP 200 and an `error` message). These readers work as the bytes
// arrive: only the unfinished tail of a line is held, never the whole output.
import { StringDecoder } from "node:string_decoder";

export type ProgressMessage = {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { ID?: string; Digest?: string; Tag?: string; Size?: number };
  error?: string;
  errorDetail?: { code?: number; message?: string };
};

/** A message longer than this is passed on as text rather than held without bound. */
const MAX_MESSAGE_CHARS = 1024 * 1024;
/** An output line longer than this is passed on in pieces (the deploy log cuts it anyway). */
const MAX_LINE_CHARS = 64 * 1024;

/** Parses the engine's JSON-lines stream message by message. A line that is not JSON becomes text output. */
export async function* readProgress(stream: AsyncIterable<Buffer | string>): AsyncGenerator<ProgressMessage> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  for await (const chunk of stream) {
    pending += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      const message = parseLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      if (message) yield message;
      nl = pending.indexOf("\n");
    }
    if (pending.length > MAX_MESSAGE_CHARS) {
      yield { stream: pending };
      pending = "";
    }
  }
  const last = parseLine(pending + decoder.end());
  if (last) yield last;
}

function parseLine(line: string): ProgressMessage | null {
  const text = line.trim();
  if (text === "") return null;
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as ProgressMessage;
  } catch {
    // Not JSON: fall through and keep it as output.
  }
  return { stream: `${text}\n` };
}

/**
 * Turns `stream` fragments (a RUN step's output arrives in arbitrary chunks) into whole lines:
 * trailing whitespace stripped, empty lines dropped, and of a line redrawn with carriage returns
 * (progress bars) only what a terminal would finally show.
 */
export function lineSplitter() {
  let pending = "";
  const clean = (raw: string): string | null => {
    const shown = raw
      .split("\r")
      .filter((s) => s.trim() !== "")
      .at(-1);
    return shown ? shown.trimEnd() : null;
  };
  const take = (raws: string[]) => raws.map(clean).filter((l): l is string => l !== null);
  return {
    push(text: string): string[] {
      pending += text;
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      if (pending.length > MAX_LINE_CHARS) {
        parts.push(pending);
        pending = "";
      }
      return take(parts);
    },
    /** What is left at the end of the stream. */
    flush(): string[] {
      const rest = pending;
      pending = "";
      return take([rest]);
    },
  };
}

// Per-layer states not worth a line of their own: they come and go within moments.
const QUIET_STATES = new Set(["Preparing", "Waiting", "Pulling fs layer", "Verifying Checksum", "Download complete", "Extracting"]);

/**
 * Status messages of pulls and pushes, one line per change of a layer's state: the progress
 * ticks in between ("Pushing [==>  ] 3MB/40MB") repeat the state and are dropped.
 */
export function layerProgress() {
  const last = new Map<string, string>();
  return (message: ProgressMessage): string | null => {
    const status = message.status?.trim();
    if (!status) return null;
    if (!message.id) return status;
    if (last.get(message.id) === status) return null;
    last.set(message.id, status);
    return QUIET_STATES.has(status) ? null : `${message.id}: ${status}`;
  };
}
