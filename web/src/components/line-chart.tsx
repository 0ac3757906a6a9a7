// A small SVG line chart over a fixed time window: no chart library, one or two lines, the
// y axis from 0 to the largest value (or `max`, e.g. a memory limit, drawn as a dashed line).
type Point = { t: number; v: number };
type Line = { points: readonly Point[]; color: string; label: string };

const W = 300;
const H = 64;

export function LineChart({ lines, from, to, max, label, testId }: { lines: Line[]; from: number; to: number; max?: number; label: string; testId?: string }) {
  const highest = Math.max(...lines.flatMap((l) => l.points.map((p) => p.v)), max ?? 0);
  const top = highest > 0 ? highest * 1.1 : 1;
  const span = Math.max(1, to - from);
  const x = (t: number) => ((t - from) / span) * W;
  const y = (v: number) => H - (Math.max(0, v) / top) * H;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="h-16 w-full rounded bg-slate-50" role="img" aria-label={label} data-testid={testId}>
      {max !== undefined && max > 0 && (
        <line x1={0} x2={W} y1={y(max)} y2={y(max)} stroke="#94a3b8" strokeDasharray="4 3" strokeWidth={1} vectorEffect="non-scaling-stroke" />
      )}
      {lines.map((l) => {
        const pts = l.points.filter((p) => p.t >= from && p.t <= to);
        if (pts.length === 0) return null;
        // One sample is still worth a dot-sized line.
        const d =
          pts.length === 1
            ? `${x(pts[0]?.t ?? from) - 1},${y(pts[0]?.v ?? 0)} ${x(pts[0]?.t ?? from)},${y(pts[0]?.v ?? 0)}`
            : pts.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
        return (
          <polyline key={l.label} points={d} fill="none" stroke={l.color} strokeWidth={1.5} vectorEffect="non-scaling-stroke">
            <title>{l.label}</title>
          </polyline>
        );
      })}
    </svg>
  );
}
