// Asking the learner on a terminal. Keys arrive in raw mode, and several may arrive in one chunk
// (a paste, tmux, typing "yes" then Enter), so a yes/no answer is read as text, not as one key.

/** True when both ends are a terminal: the learner can see the question and answer it. */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** How long a lone "y" (or "ye") waits for more keys before it counts as yes. */
export const LONE_KEY_MS = 500;

/** The keys as the learner would name them: Enter as ⏎, Ctrl-C as ^C. */
export function shownKeys(text: string): string {
  if (text === '\r' || text === '\n' || text === '\r\n') return 'Enter';
  return `"${text.replace(/\r\n|\r|\n/g, '⏎').replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\x1b' ? '⎋' : `^${String.fromCharCode((c.charCodeAt(0) + 64) % 128)}`))}"`;
}

export type Answer = { yes: boolean; read: string };

/**
 * Reads a yes/no answer from chunks of keys: "y" or "yes" (any case) with Enter, or a lone "y" with
 * nothing after it for LONE_KEY_MS, is yes; anything else (Enter alone, n, Ctrl-C, other text) is no.
 */
export class YesNoReader {
  private text = '';
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly onAnswer: (a: Answer) => void,
    private readonly loneMs = LONE_KEY_MS,
  ) {}

  feed(chunk: string): void {
    if (this.done) return;
    clearTimeout(this.timer);
    this.text += chunk;
    const enter = this.text.search(/[\r\n]/);
    if (this.text.includes('\x03')) return this.finish(false, this.text);
    if (enter >= 0) {
      const typed = this.text.slice(0, enter);
      return this.finish(/^(y|yes)$/i.test(typed.trim()), this.text.slice(0, enter + 1));
    }
    if (/^(y|ye|yes)$/i.test(this.text)) {
      this.timer = setTimeout(() => this.finish(/^(y|yes)$/i.test(this.text), this.text), this.loneMs);
      return;
    }
    this.finish(false, this.text);
  }

  cancel(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private finish(yes: boolean, read: string): void {
    this.done = true;
    clearTimeout(this.timer);
    this.onAnswer({ yes, read });
  }
}

/** What to print after the answer: "yes", or "no" with what was read. */
export function answerText(a: Answer): string {
  if (a.yes) return `yes (read ${shownKeys(a.read)})`;
  return `no (read ${shownKeys(a.read)}; only y or yes, with or without Enter, means yes)`;
}

/** "question [y/N] " and the answer (see YesNoReader). */
export function askYesNo(question: string): Promise<boolean> {
  process.stdout.write(`${question} [y/N] `);
  return new Promise((resolve) => {
    const stdin = process.stdin;
    const wasRaw = stdin.isRaw;
    stdin.setRawMode?.(true);
    stdin.resume();
    const onData = (b: Buffer): void => reader.feed(b.toString('utf8'));
    const reader = new YesNoReader((a) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      process.stdout.write(`${answerText(a)}\n`);
      resolve(a.yes);
    });
    stdin.on('data', onData);
  });
}
