// What the CLI prints: aligned tables and key/value blocks for people, the API's own JSON for
// scripts (--json). Results go to stdout; notes, warnings and errors to stderr.

export type Column<T> = { header: string; value: (row: T) => string; align?: "left" | "right" };

/** Control characters (C0, DEL, C1) from the server are shown escaped, never sent to the terminal. */
export function sanitize(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const width = (text: string) => [...text].length;

/** Columns padded to their widest cell, two spaces apart, headers in capitals, no trailing blanks. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = [columns.map((c) => c.header.toUpperCase()), ...rows.map((r) => columns.map((c) => sanitize(c.value(r))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => width(line[i] ?? ""))));
  return cells
    .map((line) =>
      line
        .map((cell, i) => {
          const pad = " ".repeat((widths[i] ?? 0) - width(cell));
          return columns[i]?.align === "right" ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `Label:  value` lines with the values aligned. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const w = Math.max(0, ...fields.map(([k]) => width(k)));
  return fields.map(([k, v]) => `${`${k}:`.padEnd(w + 1)}  ${sanitize(v)}`.trimEnd()).join("\n");
}

/** An API timestamp as `2025-11-23 09:26Z`: minutes are enough in a table, the zone is always UTC. */
export function formatTime(iso: string | null | undefined, none = "-"): string {
  if (!iso) return none;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")}Z`;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

type Sink = { write(chunk: string): unknown };

export class Output {
  constructor(
    private readonly stdout: Sink,
    private readonly stderr: Sink,
    /** --json: commands print the API's JSON and nothing else on stdout. */
    readonly json: boolean,
  ) {}

  /** stdout is a terminal (colour may be shown). */
  get isTTY(): boolean {
    return (this.stdout as { isTTY?: boolean }).isTTY === true;
  }

  line(text = ""): void {
    this.stdout.write(`${text}\n`);
  }

  /** For people, not for pipes: goes to stderr so `berth ... | jq` stays clean. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** A question on stderr; the answer is typed on the same line. */
  ask(text: string): void {
    this.stderr.write(text);
  }

  warn(text: string): void {
    this.stderr.write(`warning: ${text}\n`);
  }

  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value ?? null, null, 2)}\n`);
  }

  table<T>(columns: readonly Column<T>[], rows: readonly T[], empty: string): void {
    if (rows.length === 0) this.line(empty);
    else this.line(renderTable(columns, rows));
  }

  fields(fields: readonly (readonly [string, string])[]): void {
    this.line(renderFields(fields));
  }
}
