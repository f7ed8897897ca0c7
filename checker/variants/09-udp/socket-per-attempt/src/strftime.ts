// Variant: a table of directives, the format walked by index.

export const DEFAULT_FORMAT = '%Y-%m-%d %X';

export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly code = 'BAD_FORMAT';
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const table: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getFullYear()),
  m: (d) => p2(d.getMonth() + 1),
  d: (d) => p2(d.getDate()),
  H: (d) => p2(d.getHours()),
  M: (d) => p2(d.getMinutes()),
  S: (d) => p2(d.getSeconds()),
  X: (d) => `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`,
  '%': () => '%',
};

export function strftime(format: string, date: Date): string {
  const parts: string[] = [];
  let i = 0;
  while (i < format.length) {
    const pc = format.indexOf('%', i);
    if (pc < 0) {
      parts.push(format.slice(i));
      break;
    }
    parts.push(format.slice(i, pc));
    const cp = format.codePointAt(pc + 1);
    if (cp === undefined) throw new FormatError('unfinished directive: the format ends with %');
    const d = String.fromCodePoint(cp);
    const f = table[d];
    if (!f) throw new FormatError(`unsupported directive %${d}`);
    parts.push(f(date));
    i = pc + 1 + d.length;
  }
  return parts.join('');
}
