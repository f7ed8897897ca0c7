// A probe for the HTML report in a real browser: added to a copy of the page (its hash added to the
// page's Content-Security-Policy), it opens every check, measures what the browser laid out (lanes,
// arrows and their labels, carets, focus) and leaves the figures as base64 JSON in an attribute of
// <html>, which chromium --dump-dom prints.

import { createHash } from 'node:crypto';

const PROBE = `(function () {
  function box(el) { var r = el.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom }; }
  function text(el) { return el ? el.textContent : null; }
  var checks = Array.prototype.slice.call(document.querySelectorAll('details.check'));
  checks.forEach(function (d) { d.open = true; });
  var out = { ready: document.documentElement.getAttribute('data-ready'), scripts: document.scripts.length, width: window.innerWidth, checks: [] };
  checks.forEach(function (d) {
    var summary = d.querySelector('summary');
    summary.focus();
    var diagram = d.querySelector('.diagram');
    var c = {
      id: d.id, cls: d.className, focused: document.activeElement === summary,
      diagram: diagram ? { box: box(diagram), scrollWidth: diagram.scrollWidth, clientWidth: diagram.clientWidth } : null,
      lanes: Array.prototype.map.call(d.querySelectorAll('.seq .lane:not(.time)'), function (l) { var b = box(l); return { label: text(l), kind: l.className, center: b.x + b.w / 2, box: b }; }),
      arrows: Array.prototype.map.call(d.querySelectorAll('.seq .arrow'), function (a) {
        var label = a.querySelector('.label'), line = a.querySelector('.line'), bytes = a.querySelector('.bytes');
        return { cls: a.className, label: text(label), bytes: bytes ? bytes.innerText : null, labelBox: box(label), line: box(line),
          chunks: a.querySelectorAll('.chunk').length, cuts: a.querySelectorAll('.cut').length,
          fontSize: parseFloat(getComputedStyle(bytes || label).fontSize) };
      }),
      gaps: Array.prototype.map.call(d.querySelectorAll('.seq .gap'), function (g) { return text(g); }),
      end: text(d.querySelector('.seq .end')),
      outputs: Array.prototype.map.call(d.querySelectorAll('.seq .out'), function (o) { return { cls: o.className, text: o.innerText, box: box(o) }; }),
      carets: Array.prototype.map.call(d.querySelectorAll('mark.caret, td.caret'), function (m) {
        return { side: m.getAttribute('data-side'), byte: m.getAttribute('data-byte'), text: m.textContent, box: box(m), bg: getComputedStyle(m).backgroundColor };
      }),
      folds: d.querySelectorAll('details.fold').length,
      hint: text(d.querySelector('.hint')),
      images: d.querySelectorAll('img, iframe, object, embed').length
    };
    out.checks.push(c);
  });
  document.documentElement.setAttribute('data-probe', btoa(unescape(encodeURIComponent(JSON.stringify(out)))));
})();`;

export interface ProbeBox { x: number; y: number; w: number; h: number; right: number; bottom: number }
export interface ProbedCheck {
  id: string;
  cls: string;
  focused: boolean;
  diagram: { box: ProbeBox; scrollWidth: number; clientWidth: number } | null;
  lanes: { label: string; kind: string; center: number; box: ProbeBox }[];
  arrows: { cls: string; label: string; bytes: string | null; labelBox: ProbeBox; line: ProbeBox; chunks: number; cuts: number; fontSize: number }[];
  gaps: string[];
  end: string | null;
  outputs: { cls: string; text: string; box: ProbeBox }[];
  carets: { side: string | null; byte: string | null; text: string; box: ProbeBox; bg: string }[];
  folds: number;
  hint: string | null;
  images: number;
}
export interface Probed {
  ready: string | null;
  scripts: number;
  width: number;
  checks: ProbedCheck[];
}

/** The page with the probe added. */
export function withProbe(html: string): string {
  const hash = createHash('sha256').update(PROBE).digest('base64');
  const withCsp = html.replace(/script-src ([^;"]+)/, (_m, srcs: string) => `script-src ${srcs} 'sha256-${hash}'`);
  if (withCsp === html) throw new Error('the page has no script-src to extend');
  return withCsp.replace('</body>', `<script>${PROBE}</script>\n</body>`);
}

/** The probe's figures from chromium's --dump-dom output. */
export function readProbe(dom: string): Probed {
  const m = /<html[^>]*\sdata-probe="([A-Za-z0-9+/=]+)"/.exec(dom);
  if (!m?.[1]) throw new Error(`the probe left no figures in the page:\n${dom.slice(0, 600)}`);
  return JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as Probed;
}
