// Small display helpers shared by server and client components.
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatAge(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

/** A transfer rate, e.g. "1.2 KiB/s". */
export const formatRate = (bytesPerSecond: number) => `${formatBytes(Math.max(0, Math.round(bytesPerSecond)))}/s`;

/** A CPU share (100 = one CPU busy): one decimal below 10 %, whole numbers above. */
export function formatPercent(n: number): string {
  const v = Math.max(0, n);
  return `${v < 10 ? v.toFixed(1) : Math.round(v).toString()} %`;
}
