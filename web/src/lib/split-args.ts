// A command line typed in the browser, split into argv the way a shell would split words, but
// without a shell: quotes group, a backslash escapes, nothing is expanded.
export function splitArgs(input: string): { args: string[] } | { error: string } {
  const args: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input.charAt(i);
    if (quote) {
      if (c === quote) quote = undefined;
      // As in a shell: inside double quotes a backslash escapes only " \ $ and `.
      else if (c === "\\" && quote === '"' && '"\\$`'.includes(input.charAt(i + 1)) && i + 1 < input.length) word += input.charAt(++i);
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < input.length) {
      word += input.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { error: `a ${quote} quote is not closed` };
  if (inWord) args.push(word);
  return { args };
}

/** The reverse, for showing argv in a text field: words that need it are single-quoted. */
export function joinArgs(args: readonly string[]): string {
  return args.map((a) => (a !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'"'"'`)}'`)).join(" ");
}
