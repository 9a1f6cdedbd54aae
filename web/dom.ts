// A small element builder: h('div', { class: 'card' }, 'text', child).
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((ev: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'style') el.setAttribute('style', String(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** p in [0, 1] → a colour from near-white through indigo to deep indigo */
export function heat(p: number): string {
  const t = Math.max(0, Math.min(1, p)) ** 0.6;
  const stops = [
    [247, 248, 255],
    [99, 102, 241],
    [30, 27, 75],
  ];
  const [a, b, u] = t < 0.6 ? [stops[0], stops[1], t / 0.6] : [stops[1], stops[2], (t - 0.6) / 0.4];
  return `rgb(${a.map((x, i) => Math.round(x + (b[i] - x) * u)).join(',')})`;
}

/** text colour readable on heat(p) */
export const heatInk = (p: number): string => (p > 0.3 ? '#fff' : '#1c2333');

/** a cosine in [-1, 1] → red (−) … white (0) … indigo (+) */
export function diverging(c: number): string {
  const t = Math.max(-1, Math.min(1, c));
  if (t >= 0) return heat(t);
  const u = (-t) ** 0.6;
  return `rgb(${Math.round(255 - 35 * u)},${Math.round(247 - 160 * u)},${Math.round(248 - 160 * u)})`;
}

export function card(...children: (Child | Child[])[]): HTMLElement {
  return h('div', { class: 'card' }, ...children);
}
