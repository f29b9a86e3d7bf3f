/** A tiny inline SVG trend line: cheaper than a chart instance per KPI card. */
export function Sparkline(p: { values: number[]; testid: string; width?: number; height?: number }) {
  const w = () => p.width ?? 180;
  const h = () => p.height ?? 32;
  const path = () => {
    const xs = p.values;
    if (xs.length < 2) return '';
    const lo = Math.min(...xs);
    const span = Math.max(...xs) - lo || 1;
    return xs.map((x, i) => `${i ? 'L' : 'M'}${((i / (xs.length - 1)) * w()).toFixed(1)},${(h() - 2 - ((x - lo) / span) * (h() - 4)).toFixed(1)}`).join(' ');
  };
  return (
    <svg data-testid={p.testid} width="100%" height={h()} viewBox={`0 0 ${w()} ${h()}`} preserveAspectRatio="none" role="img">
      <line x1="0" x2={w()} y1={h() - 1} y2={h() - 1} stroke="#27312a" />
      <path d={path()} fill="none" stroke="#a3e635" stroke-width="1.5" vector-effect="non-scaling-stroke" />
    </svg>
  );
}
