// Showing bytes to a person: readable text where it is text, hex where it is not.

const decoder = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes are valid UTF-8 with no control characters other than \n, \r and \t. */
export function isText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** A quoted, escaped rendering: "héllo\n". Invalid UTF-8 bytes show as \xNN. */
export function quote(bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return JSON.stringify(bytes);
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = utf8SeqLength(bytes, i);
    if (len === 0) {
      out += `\\x${hex2(bytes[i] ?? 0)}`;
      i += 1;
      continue;
    }
    const ch = Buffer.from(bytes.subarray(i, i + len)).toString('utf8');
    out += escapeChar(ch);
    i += len;
  }
  return `"${out}"`;
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    case '"': return '\\"';
    case '\\': return '\\\\';
  }
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `\\x${hex2(code)}`;
  return ch;
}

/** Length of a valid UTF-8 sequence starting at i, or 0 when the byte there does not start one. */
export function utf8SeqLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === undefined) return 0;
  let n: number;
  if (c < 0x80) return 1;
  else if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3;
  else if (c >= 0xf0 && c <= 0xf4) n = 4;
  else return 0;
  if (i + n > b.length) return 0;
  for (let k = 1; k < n; k++) {
    const x = b[i + k];
    if (x === undefined || (x & 0xc0) !== 0x80) return 0;
  }
  return n;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** A hex dump, 16 bytes a row, with the offset and a printable column. */
export function hexdump(bytes: Uint8Array, maxRows = 8): string {
  const rows: string[] = [];
  for (let off = 0; off < bytes.length && rows.length < maxRows; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = Array.from(row, hex2).join(' ').padEnd(47, ' ');
    const ascii = Array.from(row, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
    rows.push(`${off.toString(16).padStart(6, '0')}  ${hex}  ${ascii}`);
  }
  const shown = Math.min(bytes.length, maxRows * 16);
  if (shown < bytes.length) rows.push(`… ${bytes.length - shown} more bytes`);
  return rows.join('\n');
}

/** Text for a message: the quoted bytes, and a hex view when they are not plain text. */
export function showBytes(bytes: Uint8Array | string, maxLen = 400): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  if (buf.length === 0) return '(no bytes)';
  const cut = buf.length > maxLen ? buf.subarray(0, maxLen) : buf;
  const more = buf.length > maxLen ? ` … and ${buf.length - maxLen} more bytes` : '';
  const q = quote(cut) + more;
  return isText(buf) ? q : `${q}\n${indent(hexdump(cut))}`;
}

/**
 * Expected against actual, byte by byte: both in hex around the first difference,
 * with a caret under it. Used where bytes are not text or differ in an invisible way.
 */
export function hexDiff(expected: Uint8Array, actual: Uint8Array): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  if (i === expected.length && i === actual.length) return '(identical)';
  const start = Math.max(0, i - 8);
  const end = start + 16;
  const row = (b: Uint8Array) => {
    const cells: string[] = [];
    for (let k = start; k < end; k++) {
      const v = b[k];
      cells.push(v === undefined ? '  ' : hex2(v));
    }
    return cells.join(' ');
  };
  const label = (name: string) => `${name.padEnd(8)} @${start}: `;
  return [
    `first difference at byte ${i}`,
    `${label('expected')}${row(expected)}`,
    `${label('actual')}${row(actual)}`,
    `${' '.repeat(label('actual').length + (i - start) * 3)}^^`,
  ].join('\n');
}

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l.length ? by + l : l))
    .join('\n');
}
