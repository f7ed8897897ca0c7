// Mutant: the formats with replaceAll, one directive at a time, %% last (so %%Y becomes %2026).

export const DEFAULT_FORMAT = '%Y-%m-%d %X';

export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly code = 'BAD_FORMAT';
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function strftime(format: string, date: Date): string {
  const out = format
    .replaceAll('%Y', pad(date.getFullYear(), 4))
    .replaceAll('%m', pad(date.getMonth() + 1))
    .replaceAll('%d', pad(date.getDate()))
    .replaceAll('%H', pad(date.getHours()))
    .replaceAll('%M', pad(date.getMinutes()))
    .replaceAll('%S', pad(date.getSeconds()))
    .replaceAll('%X', `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`);
  const unknown = /%([^%]|$)/u.exec(out.replaceAll('%%', ''));
  if (unknown) throw new FormatError(unknown[1] ? `unsupported directive %${unknown[1]}` : 'unfinished directive: the format ends with %');
  return out.replaceAll('%%', '%');
}
