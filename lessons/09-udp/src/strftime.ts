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
  // TODO: walk the format one character at a time ([...format] keeps an emoji whole). Copy every
  //       character that is not % as it is. After a %, the next character is the directive:
  //       Y the year (4 digits), m the month 01-12 (getMonth() counts from 0), d the day of the month
  //       01-31 (getDate(), not getDay()), H 00-23, M 00-59, S 00-59, X the same as %H:%M:%S, and
  //       % a literal %. Use local time (getHours(), not getUTCHours()) and pad with pad().
  // TODO: throw new FormatError(`unsupported directive %${directive}`) for any other directive, and
  //       new FormatError('unfinished directive: the format ends with %') for a % at the very end.
  void pad;
  void date;
  return format;
}
