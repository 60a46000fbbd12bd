// Liquidation curves by arm with their confidence intervals, drawn as SVG: per arm a band (the interval at each point) and
// a line (the estimate), x = days since placement, y = share of the placed amount collected. Same conventions as
// portal-chart.js (no inline styles under the CSP; colours from the classes c0..c7).
import { node, ceiling } from './portal-chart.js';

const width = 640, height = 260, left = 48, right = 12, top = 12, bottom = 34;

/** Draws curves ([{ arm, points: [{ day, value, low, high }] }]) into svg and the arm names into legend. */
export function drawArmCurves(svg, legend, curves, percentText, axisTitle) {
  const days = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.day)));
  const yMax = ceiling(Math.max(0.0001, ...curves.flatMap((c) => c.points.map((p) => p.high))));
  const x = (d) => left + (d / days) * (width - left - right);
  const y = (r) => top + (1 - Math.max(0, r) / yMax) * (height - top - bottom);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const parts = [];
  for (let i = 0; i <= 5; i += 1) {
    const r = (yMax * i) / 5;
    parts.push(node('line', { x1: left, x2: width - right, y1: y(r), y2: y(r), class: 'grid' }));
    parts.push(node('text', { x: left - 6, y: y(r) + 4, class: 'axis y' }, percentText(r)));
  }
  const ticks = curves[0]?.points.map((p) => p.day) ?? [];
  ticks.forEach((d, i) => { if (i % 2 === 0) parts.push(node('text', { x: x(d), y: height - bottom + 16, class: 'axis x' }, String(d))); });
  parts.push(node('text', { x: (left + width - right) / 2, y: height - 4, class: 'axis title' }, axisTitle));
  curves.forEach((c, i) => {
    const upper = c.points.map((p) => `${x(p.day).toFixed(1)},${y(p.high).toFixed(1)}`);
    const lower = c.points.map((p) => `${x(p.day).toFixed(1)},${y(p.low).toFixed(1)}`).reverse();
    parts.push(node('polygon', { points: [...upper, ...lower].join(' '), class: `curve-band c${i % 8}`, 'data-arm': c.arm }));
  });
  curves.forEach((c, i) => {
    const line = node('polyline', { points: c.points.map((p) => `${x(p.day).toFixed(1)},${y(p.value).toFixed(1)}`).join(' '), class: `curve-line c${i % 8}`, 'data-arm': c.arm });
    const last = c.points.at(-1);
    if (last) line.append(node('title', {}, `${c.arm}: ${percentText(last.value)} (${percentText(last.low)} – ${percentText(last.high)})`));
    parts.push(line);
  });
  svg.replaceChildren(...parts);
  legend.replaceChildren(...curves.map((c, i) => {
    const item = document.createElement('span');
    item.className = `c${i % 8}`;
    item.textContent = c.arm;
    return item;
  }));
}
