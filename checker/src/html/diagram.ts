// The sequence diagram of one check as HTML: a CSS grid with a time column and one lane per party,
// every send and receive an arrow between lanes labelled with its bytes (a box per chunk), FIN and
// RST as arrows of their own, the program's output on its stdout and stderr lanes. A long transcript
// folds its middle into a <details> the reader can open.

import type { CheckResult } from '../runner.ts';
import { chunksHtml, fromBase64 } from './bytes.ts';
import { esc, prose, visible } from './escape.ts';
import { layout, type Diagram, type Lane, type Row } from './lanes.ts';

/** Rows past this fold: the first FOLD_HEAD and the last FOLD_TAIL stay, the middle opens on demand. */
export const FOLD_AT = 60;
const FOLD_HEAD = 15;
const FOLD_TAIL = 35;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The grid line at the middle of lane k (column 1 is the time; each lane takes two columns). */
const mid = (k: number) => 3 + 2 * k;
const laneCols = (k: number) => `${2 + 2 * k} / span 2`;

export function diagramHtml(r: CheckResult, idBase: string): string {
  const d = layout(r.events ?? [], r.target, r.durationMs);
  if (d.rows.length === 0) return '<p class="empty">Nothing was recorded on the wire or from the program for this check.</p>';
  const rows = [...d.rows];
  const parts: string[] = [];
  // Two columns a lane; a stdout or stderr lane is wider (its lines are long, a stack trace's longer).
  const half = (l: Lane) => (l.kind === 'stdout' || l.kind === 'stderr' ? 'minmax(6rem, 1.5fr)' : 'minmax(4.5rem, 1fr)');
  const template = `grid-template-columns: 4.5rem ${d.lanes.length ? d.lanes.map((l) => `${half(l)} ${half(l)}`).join(' ') : 'minmax(4.5rem, 1fr)'}`;
  const grid = (chunk: Row[], header: boolean, end?: (n: number) => string) => {
    const cells: string[] = [];
    const first = header ? 2 : 1;
    const span = chunk.length + (end ? 1 : 0) + (header ? 1 : 0);
    d.lanes.forEach((l, k) => {
      cells.push(`<div class="life ${l.kind}" aria-hidden="true" style="grid-column: ${laneCols(k)}; grid-row: 1 / span ${span}"></div>`);
      if (header) cells.push(`<div class="lane ${l.kind}" style="grid-column: ${laneCols(k)}; grid-row: 1">${esc(l.label)}</div>`);
    });
    if (header) cells.push('<div class="lane time" style="grid-column: 1; grid-row: 1">time</div>');
    chunk.forEach((row, i) => cells.push(rowHtml(row, first + i, d)));
    if (end) cells.push(end(first + chunk.length));
    return `<div class="seq" style="${template}">${cells.join('')}</div>`;
  };
  const end = (n: number) => endRow(r, n);
  if (rows.length <= FOLD_AT) parts.push(grid(rows, true, end));
  else {
    const head = rows.slice(0, FOLD_HEAD);
    const middle = rows.slice(FOLD_HEAD, rows.length - FOLD_TAIL);
    const tail = rows.slice(rows.length - FOLD_TAIL);
    const from = middle[0]?.at ?? 0;
    const to = middle.at(-1)?.at ?? from;
    parts.push(grid(head, true));
    parts.push(
      `<details class="fold" id="${idBase}-fold"><summary>${plural(middle.length, 'more row')} of the conversation, ${from}–${to} ms <span class="how">(Enter or Space shows them)</span></summary>${grid(middle, false)}</details>`,
    );
    parts.push(grid(tail, false, end));
  }
  const legend = legendHtml(d);
  return `<div class="diagram" tabindex="0" role="group" aria-label="The conversation of this check as a sequence diagram">${parts.join('')}</div>${legend}`;
}

function endRow(r: CheckResult, n: number): string {
  const cls = r.status === 'pass' ? 'end pass' : 'end fail';
  const text = r.status === 'pass' ? `✓ the check passed (${r.durationMs} ms)` : `✗ the check failed here, after ${r.durationMs} ms: ${prose(r.message ?? 'failed')}`;
  return `<div class="t" style="grid-row: ${n}">${r.durationMs} ms</div><div class="${cls}" style="grid-column: 2 / -1; grid-row: ${n}">${text}</div>`;
}

function legendHtml(d: Diagram): string {
  const has = (t: Row['type'], extra?: (r: Row) => boolean) => d.rows.some((r) => r.type === t && (!extra || extra(r)));
  const items = ['<span class="k-arrow">→</span> bytes sent or received (label: the bytes; <span class="chunk">a box</span> per write or read, <span class="cut">│</span> a chunk boundary; <span class="esc">\\n</span> an escape)'];
  if (has('signal', (r) => r.type === 'signal' && r.signal === 'fin')) items.push('<span class="k-fin">⇢ FIN</span> a side closed its half of the connection');
  if (has('signal', (r) => r.type === 'signal' && r.signal === 'rst')) items.push('<span class="k-rst">→✕ RST</span> the connection was reset');
  if (has('bytes', (r) => r.type === 'bytes' && r.ev.datagram !== undefined)) items.push('one arrow per datagram (UDP keeps each whole)');
  if (has('bytes', (r) => r.type === 'bytes' && r.fate === 'dropped')) items.push('<span class="k-lost">⇠✕</span> a datagram the fake server dropped, as the network may');
  if (d.lanes.some((l) => l.members)) items.push('<span class="conn">c1</span> the tester connection of an arrow on a lane that several share');
  if (has('gap')) items.push('<span class="k-gap">⋮</span> time passing with nothing on the wire');
  return `<p class="legend">${items.join(' · ')}</p>`;
}

/** Who lane k is; on a lane that several connections share, the one named (a row's conn). */
function who(d: Diagram, k: number, conn?: string): string {
  const lane = d.lanes[k];
  return lane?.members && conn !== undefined ? `tester ${conn}` : (lane?.label ?? 'the program');
}

/** The connection's name before an arrow's label, where its lane is shared. */
const connTag = (conn: string | undefined) => (conn === undefined ? '' : `<span class="conn">${esc(conn)}</span> `);

function timeCell(row: Row, n: number): string {
  return `<div class="t" style="grid-row: ${n}">${row.at} ms</div>`;
}

function rowHtml(row: Row, n: number, d: Diagram): string {
  switch (row.type) {
    case 'bytes':
      return timeCell(row, n) + bytesArrow(row, n, d);
    case 'signal': {
      const label = row.signal === 'rst' ? 'RST' : row.signal === 'fin' ? 'FIN' : 'connect';
      const body = `${connTag(row.conn)}<span class="sig">${label}</span> <span class="meta">${visible(row.text)}</span>`;
      return timeCell(row, n) + arrow(row.from, row.to, n, `signal ${row.signal}${row.error ? ' error' : ''}`, `${who(d, row.from, row.conn)} to ${who(d, row.to, row.conn)}: `, body, 1);
    }
    case 'note': {
      const cols = row.lane === undefined ? '2 / -1' : laneCols(row.lane);
      const whom = row.lane === undefined ? `<span class="who">${esc(row.who)}</span> ` : connTag(row.conn);
      return `${timeCell(row, n)}<div class="note${row.error ? ' error' : ''}${row.lane === undefined ? ' wide' : ''}" style="grid-column: ${cols}; grid-row: ${n}">${whom}${visible(row.text)}</div>`;
    }
    case 'output':
      return `${timeCell(row, n)}<div class="out ${row.stream}"${row.lines.length > 1 ? ` title="${row.lines.length} lines, ${row.at}–${row.until} ms"` : ''} style="grid-column: ${laneCols(row.lane)}; grid-row: ${n}"><span class="sr">${esc(who(d, row.lane))}: </span>${row.lines.length === 1 && row.lines[0] === '' ? '<span class="esc">(empty line)</span>' : visible(row.lines.join('\n'))}</div>`;
    case 'gap':
      return `<div class="t gapt" style="grid-row: ${n}">⋮</div><div class="gap" style="grid-column: 2 / -1; grid-row: ${n}">${row.ms} ms with nothing recorded</div>`;
    case 'omitted':
      return `<div class="t gapt" style="grid-row: ${n}">…</div><div class="gap omitted" style="grid-column: 2 / -1; grid-row: ${n}">${plural(row.count, 'entry', 'entries')} of the transcript left out here (it keeps the first and the newest)</div>`;
  }
}

/** What the fake UDP server did with a datagram, on its arrow: the arrow's class and the words. */
const FATES = {
  dropped: { cls: 'lost', text: '✕ dropped: as if lost on the way, it gets no reply' },
  held: { cls: 'held', text: 'its reply is held: it comes late' },
} as const;

function bytesArrow(row: Extract<Row, { type: 'bytes' }>, n: number, d: Diagram): string {
  const ev = row.ev;
  const chunks = (ev.chunks ?? []).map(fromBase64);
  const kept = chunks.reduce((s, c) => s + c.length, 0);
  const tail = ev.tail ? fromBase64(ev.tail) : undefined;
  const byteCount = ev.byteCount ?? kept;
  const chunkCount = ev.chunkCount ?? chunks.length;
  const label = chunksHtml(chunks, {
    leftBytes: Math.max(0, byteCount - kept - (tail?.length ?? 0)),
    leftChunks: Math.max(0, chunkCount - chunks.length),
    ...(tail ? { tail } : {}),
  });
  const dg = ev.datagram;
  // A datagram is whole: its number and the other end's port instead of a stream offset.
  const where = dg ? `datagram #${dg.n} ${ev.kind === 'recv' ? 'from' : 'to'} ${dg.peer}, ` : '';
  const meta = `${where}${plural(byteCount, 'byte')}${chunkCount > 1 ? ` in ${chunkCount} chunks` : ''}${dg ? '' : ` @${ev.offset ?? 0}`}${label.text ? '' : ', hex'}`;
  const fate = row.fate ? FATES[row.fate] : undefined;
  const body = `${connTag(row.conn)}<span class="bytes${label.text ? '' : ' binary'}">${label.html}</span> <span class="meta">${meta}</span>${fate ? ` <span class="fate">${fate.text}</span>` : ''}`;
  const cls = `bytes ${ev.kind}${dg ? ' datagram' : ''}${fate ? ` ${fate.cls}` : ''}`;
  return arrow(row.from, row.to, n, cls, `${who(d, row.from, row.conn)} to ${who(d, row.to, row.conn)}: `, body, chunkCount);
}

/** An arrow from lane `from` to lane `to` in grid row n, its line cut into one segment per chunk (up to 24). */
function arrow(from: number, to: number, n: number, cls: string, sr: string, body: string, segments: number): string {
  const right = to >= from;
  const a = Math.min(from, to);
  const b = Math.max(from, to);
  const segs = '<i></i>'.repeat(Math.max(1, Math.min(24, segments)));
  return `<div class="arrow ${cls} ${right ? 'right' : 'left'}" style="grid-column: ${mid(a)} / ${mid(b === a ? a + 1 : b)}; grid-row: ${n}"><div class="label"><span class="sr">${esc(sr)}</span>${body}</div><div class="line" aria-hidden="true">${segs}</div></div>`;
}

export type { Lane };
