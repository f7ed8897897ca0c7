// Lesson 05: a progress bar for uploads, drawn on stderr (only when stderr is a terminal: a bar
// in a log file or a pipe is noise, and stdout stays the program's output).

const WIDTH = 30;

export class Progress {
  private sent = 0;
  private drawnAt = 0;
  private readonly started = performance.now();

  constructor(
    private readonly name: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.draw();
  }

  add(bytes: number): void {
    this.sent += bytes;
    const now = performance.now();
    if (now - this.drawnAt >= 100) this.draw(); // at most ten redraws a second
  }

  done(): void {
    this.draw();
    this.out.write('\n');
  }

  private draw(): void {
    this.drawnAt = performance.now();
    const part = this.total === 0 ? 1 : this.sent / this.total;
    const filled = Math.round(part * WIDTH);
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.sent / seconds / 1024 ** 2 : 0;
    // \r goes back to the start of the line, ESC[K clears what the last, longer, line left there.
    this.out.write(`\r${this.name} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(part * 100).toFixed(0).padStart(3)}% ${mib(this.sent)}/${mib(this.total)} MiB ${rate.toFixed(1)} MiB/s\x1b[K`);
  }
}

function mib(n: number): string {
  return (n / 1024 ** 2).toFixed(1);
}
