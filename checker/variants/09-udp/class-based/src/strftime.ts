// Variant: the fields from Intl.DateTimeFormat in the process's own time zone, 24-hour, and a small
// state machine over the format's code points.

export const DEFAULT_FORMAT = '%Y-%m-%d %X';

export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly code = 'BAD_FORMAT';
}

const fmt = new Intl.DateTimeFormat('en-US', { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function strftime(format: string, date: Date): string {
  const f = Object.fromEntries(fmt.formatToParts(date).map((p) => [p.type, p.value]));
  const fields: Record<string, string> = {
    Y: f['year'] ?? '',
    m: f['month'] ?? '',
    d: f['day'] ?? '',
    H: f['hour'] ?? '',
    M: f['minute'] ?? '',
    S: f['second'] ?? '',
  };
  fields['X'] = `${fields['H']}:${fields['M']}:${fields['S']}`;
  fields['%'] = '%';
  let state: 'text' | 'percent' = 'text';
  let out = '';
  for (const ch of format) {
    if (state === 'text') {
      if (ch === '%') state = 'percent';
      else out += ch;
      continue;
    }
    const v = fields[ch];
    if (v === undefined) throw new FormatError(`unsupported directive %${ch}`);
    out += v;
    state = 'text';
  }
  if (state === 'percent') throw new FormatError('unfinished directive: the format ends with %');
  return out;
}
