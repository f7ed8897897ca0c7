// Asking the learner on a terminal: one key, no Enter needed.

/** True when both ends are a terminal: the learner can see the question and answer it. */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Reads one key press in raw mode ("\x03" is Ctrl-C). */
export function readKey(): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    const wasRaw = stdin.isRaw;
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.once('data', (b: Buffer) => {
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      resolve(b.toString('utf8'));
    });
  });
}

/** "question [y/N] " and one key: y is yes, anything else (Enter, n, Ctrl-C) is no. */
export async function askYesNo(question: string): Promise<boolean> {
  process.stdout.write(`${question} [y/N] `);
  const key = await readKey();
  const yes = key.toLowerCase() === 'y';
  process.stdout.write(yes ? 'y\n' : 'n\n');
  return yes;
}
