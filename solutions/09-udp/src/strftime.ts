// The time mode's formats: a small strftime with exactly the directives this lesson supports, and a
// clear error for any other. Python's time.strftime hands the format to the C library, whose answer
// to an unknown directive depends on the system (glibc copies it through, Windows raises); here every
// unsupported directive is an error the server can report to its client.

/** What an empty format means (the source tutorial's default). */
export const DEFAULT_FORMAT = '%Y-%m-%d %X';

/** The format asks for something this strftime cannot do. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly code = 'BAD_FORMAT';
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `date` in local time, as `format` says: %Y %m %d %H %M %S %X (HH:MM:SS) and %% (a literal %). */
export function strftime(format: string, date: Date): string {
  let out = '';
  const chars = [...format]; // code points: a % followed by an emoji names the whole emoji in the error
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const directive = chars[++i];
    switch (directive) {
      case 'Y':
        out += pad(date.getFullYear(), 4);
        break;
      case 'm':
        out += pad(date.getMonth() + 1); // getMonth() counts from 0
        break;
      case 'd':
        out += pad(date.getDate()); // the day of the month (getDay() is the day of the week)
        break;
      case 'H':
        out += pad(date.getHours());
        break;
      case 'M':
        out += pad(date.getMinutes());
        break;
      case 'S':
        out += pad(date.getSeconds());
        break;
      case 'X':
        out += `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
        break;
      case '%':
        out += '%';
        break;
      case undefined:
        throw new FormatError('unfinished directive: the format ends with %');
      default:
        throw new FormatError(`unsupported directive %${directive}`);
    }
  }
  return out;
}
