// The live chart: accepted and delivered notifications per second over the last minute, drawn on a canvas.
import type { AdminRatePoint } from '@herald/protocol';
import { fill, h } from '../dom.js';
import { formatRate, niceMax } from '../format.js';

const SERIES = [
  // Accepted is drawn wider underneath, so it stays visible where both lines coincide (one recipient each).
  { key: 'accepted', label: 'accepted', color: '#2f6fed', width: 4 },
  { key: 'delivered', label: 'delivered', color: '#1f9d55', width: 1.5 },
] as const;

/** Redraws the chart and its legend (the current second is still counting, so the legend shows the last full one). */
export function renderChart(canvas: HTMLCanvasElement, legend: HTMLElement, points: readonly AdminRatePoint[]): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const pad = { left: 36, right: 8, top: 8, bottom: 18 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = niceMax(points.flatMap((p) => [p.accepted, p.delivered]));
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#6b7385';
  ctx.strokeStyle = '#e3e6ee';
  ctx.lineWidth = 1;
  for (const frac of [0, 0.5, 1]) {
    const y = pad.top + plotH * (1 - frac);
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(width - pad.right, y);
    ctx.stroke();
    ctx.fillText(formatRate(max * frac), 4, y + 4);
  }
  ctx.fillText(`${points.length} s ago`, pad.left, height - 4);
  ctx.fillText('now', width - pad.right - 22, height - 4);

  const step = points.length > 1 ? plotW / (points.length - 1) : plotW;
  for (const s of SERIES) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width;
    ctx.beginPath();
    points.forEach((p, i) => {
      const x = pad.left + i * step;
      const y = pad.top + plotH * (1 - p[s.key] / max);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }

  const last = points.length > 1 ? points[points.length - 2] : points[points.length - 1];
  fill(
    legend,
    ...SERIES.map((s) => h('span', { class: `swatch-${s.key}`, 'data-series': s.key }, `■ ${s.label} ${formatRate(last ? last[s.key] : 0)}/s`)),
  );
}
