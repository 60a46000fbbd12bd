// The liquidation curve, drawn as SVG: for each placement month one line of cumulative collected over placed (y) by months
// since placement (x). No chart library and no inline styles (the pages run under a strict CSP): colours come from the
// classes c0..c7 in console.css.
const ns = 'http://www.w3.org/2000/svg';
const width = 640, height = 240, left = 48, right = 12, top = 12, bottom = 34;

/** An SVG element with attributes and optional text. */
export function node(tag, attributes, text) {
  const n = document.createElementNS(ns, tag);
  for (const [k, v] of Object.entries(attributes)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/** A round upper bound for the y axis: 5 %, 10 %, 20 %, 25 %, 50 %, 100 % or more. */
export function ceiling(max) {
  for (const step of [0.05, 0.1, 0.2, 0.25, 0.5, 1]) if (max <= step) return step;
  return Math.ceil(max);
}

/** Draws curves ([{ placementMonth, rates }]) into svg and their names into legend; the 12 latest placement months. */
export function drawCurves(svg, legend, curves, monthText, percentText, axisTitle) {
  const shown = curves.slice(-12);
  const months = Math.max(2, ...shown.map((c) => c.rates.length));
  const yMax = ceiling(Math.max(0.0001, ...shown.flatMap((c) => c.rates.map(Number))));
  const x = (m) => left + (m / (months - 1)) * (width - left - right);
  const y = (r) => top + (1 - r / yMax) * (height - top - bottom);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const parts = [];
  // Five steps: round labels for every upper bound ceiling() picks (1 %, 2 %, 4 %, 5 %, 10 %, 20 %).
  for (let i = 0; i <= 5; i += 1) {
    const r = (yMax * i) / 5;
    parts.push(node('line', { x1: left, x2: width - right, y1: y(r), y2: y(r), class: 'grid' }));
    parts.push(node('text', { x: left - 6, y: y(r) + 4, class: 'axis y' }, percentText(r)));
  }
  const every = Math.max(1, Math.ceil(months / 12));
  for (let m = 0; m < months; m += every) parts.push(node('text', { x: x(m), y: height - bottom + 16, class: 'axis x' }, String(m)));
  parts.push(node('text', { x: (left + width - right) / 2, y: height - 4, class: 'axis title' }, axisTitle));
  shown.forEach((c, i) => {
    const points = c.rates.map((r, m) => `${x(m).toFixed(1)},${y(Number(r)).toFixed(1)}`).join(' ');
    const line = node(c.rates.length > 1 ? 'polyline' : 'circle', c.rates.length > 1
      ? { points, class: `curve-line c${i % 8}`, 'data-month': c.placementMonth }
      : { cx: x(0), cy: y(Number(c.rates[0])), r: 3, class: `curve-dot c${i % 8}`, 'data-month': c.placementMonth });
    line.append(node('title', {}, `${monthText(c.placementMonth)}: ${percentText(Number(c.rates.at(-1)))}`));
    parts.push(line);
  });
  svg.replaceChildren(...parts);
  legend.replaceChildren(...shown.map((c, i) => {
    const item = document.createElement('span');
    item.className = `c${i % 8}`;
    item.textContent = monthText(c.placementMonth);
    return item;
  }));
}
