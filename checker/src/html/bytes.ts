// Bytes of the wire as HTML: readable text where the bytes are text (escapes such as \n marked as
// escapes), hex where they are not, one box per chunk so a reader sees where each write or read ended.

import { isText, utf8SeqLength } from '../harness/bytes.ts';
import { esc } from './escape.ts';

// The harness's own rule for what is text, so the page and the report never disagree.
export { isText };

export function fromBase64(b64: string): Buffer {
  return Buffer.from(b64, 'base64');
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

const seqLength = utf8SeqLength;

/** One chunk as readable text: characters as they are, escapes (\n, \xc3 for a byte of a split character) marked. */
export function textHtml(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const len = seqLength(b, i);
    if (len === 0) {
      out += `<span class="esc">\\x${hex2(b[i] ?? 0)}</span>`;
      i++;
      continue;
    }
    const ch = Buffer.from(b.subarray(i, i + len)).toString('utf8');
    i += len;
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n') out += '<span class="esc">\\n</span>';
    else if (ch === '\r') out += '<span class="esc">\\r</span>';
    else if (ch === '\t') out += '<span class="esc">\\t</span>';
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x7f) out += `<span class="esc">\\x${hex2(code)}</span>`;
    else out += esc(ch);
  }
  return out;
}

/** One chunk as hex bytes, with the printable ones beside. */
export function hexHtml(b: Uint8Array): string {
  const hex = Array.from(b, hex2).join(' ');
  const gloss = Array.from(b, (c) => (c >= 0x21 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
  return `<span class="hex">${hex}</span> <span class="gloss" title="the bytes that are printable ASCII">${esc(gloss)}</span>`;
}

export interface BytesLabel {
  /** The chunks, each in a box of its own, as HTML. */
  html: string;
  /** True when the bytes were shown as text, false as hex. */
  text: boolean;
}

/**
 * The kept chunks of one send or receive. `left`: what the transcript did not keep after them (bytes
 * and chunks); `tail`: the last bytes, kept when bytes were left out.
 */
export function chunksHtml(chunks: Buffer[], opts: { leftBytes?: number; leftChunks?: number; tail?: Buffer } = {}): BytesLabel {
  const text = isText(Buffer.concat(chunks));
  const render = text ? textHtml : hexHtml;
  const boxes = chunks.map((c, i) => `<span class="chunk" title="chunk ${i + 1}: ${c.length} byte${c.length === 1 ? '' : 's'}">${render(c) || '<span class="esc">(empty)</span>'}</span>`);
  let html = boxes.join('<span class="cut" title="chunk boundary">│</span>');
  const left = [
    opts.leftBytes ? `${opts.leftBytes} byte${opts.leftBytes === 1 ? '' : 's'}` : '',
    opts.leftChunks ? `${opts.leftChunks} more chunk${opts.leftChunks === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  if (left.length) html += ` <span class="elided">… ${left.join(' in ')} not kept …</span>`;
  if (opts.tail && opts.tail.length) {
    html += ` <span class="chunk tail" title="the last ${opts.tail.length} bytes">${(isText(opts.tail) ? textHtml : hexHtml)(opts.tail)}</span>`;
  }
  return { html, text };
}
