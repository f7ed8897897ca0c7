// Variant: the format read with one regular expression; each match is a directive or %%.

export const DEFAULT_FORMAT = '%Y-%m-%d %X';

export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly code = 'BAD_FORMAT';
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function strftime(format: string, date: Date): string {
  return format.replace(/%(.|$)/gsu, (_match, d: string) => {
    switch (d) {
      case 'Y': return String(date.getFullYear()).padStart(4, '0');
      case 'm': return two(date.getMonth() + 1);
      case 'd': return two(date.getDate());
      case 'H': return two(date.getHours());
      case 'M': return two(date.getMinutes());
      case 'S': return two(date.getSeconds());
      case 'X': return [date.getHours(), date.getMinutes(), date.getSeconds()].map(two).join(':');
      case '%': return '%';
      case '': throw new FormatError('unfinished directive: the format ends with %');
      default: throw new FormatError(`unsupported directive %${d}`);
    }
  });
}
