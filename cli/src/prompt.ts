// Reading a secret from stdin: a hidden prompt on a terminal, the first line of a pipe otherwise.
import type { Stdin } from "./command.ts";
import { CliError, EXIT } from "./errors.ts";

const MAX = 4096;

/** The first line of piped input (without its line ending); "" for empty input. */
export async function readLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of input) {
    text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const end = text.search(/\r?\n/);
    if (end >= 0) return text.slice(0, end);
    if (text.length > MAX) throw new CliError("the input line is too long for an access token");
  }
  return text;
}

/** Asks on `output` and reads a line from a terminal without echoing it. */
export function promptHidden(question: string, input: Stdin, output: { write(s: string): unknown }): Promise<string> {
  const setRaw = input.setRawMode?.bind(input);
  if (!setRaw) return readLine(input);
  output.write(question);
  setRaw(true);
  input.setEncoding("utf8");
  input.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (then: () => void) => {
      input.off("data", onData);
      setRaw(false);
      input.pause();
      output.write("\n");
      then();
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish(() => resolve(value));
        if (ch === "\u0003") return finish(() => reject(new CliError("interrupted", { exitCode: EXIT.interrupted })));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " " && value.length < MAX) value += ch;
      }
    };
    input.on("data", onData);
  });
}
