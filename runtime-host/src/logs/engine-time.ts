// The Docker Engine prefixes each log line (timestamps: true) with its RFC 3339 time at nanosecond
// precision. JavaScript dates stop at milliseconds, so a time is kept as whole seconds + nanoseconds:
// resuming after a restart compares at full precision and never repeats or skips a line.
export type EngineTime = { raw: string; sec: number; nano: number; ms: number };

const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

// Lines of one stream mostly share their second: parse the date part once per second, not per line.
let lastBase = "";
let lastBaseSec = 0;

export function parseEngineTime(raw: string): EngineTime | null {
  const m = TIME.exec(raw);
  if (!m) return null;
  const base = `${m[1]}${m[3]}`;
  if (base !== lastBase) {
    const ms = Date.parse(`${m[1]}${m[3]}`);
    if (Number.isNaN(ms)) return null;
    lastBase = base;
    lastBaseSec = ms / 1000;
  }
  const nano = m[2] ? Number(m[2].padEnd(9, "0")) : 0;
  return { raw, sec: lastBaseSec, nano, ms: lastBaseSec * 1000 + Math.floor(nano / 1e6) };
}

/** Negative when a is earlier. */
export const compareEngineTimes = (a: EngineTime, b: EngineTime): number => a.sec - b.sec || a.nano - b.nano;
