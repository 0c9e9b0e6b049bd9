// A one-line progress bar on stderr (redrawn in place on a terminal; a plain line every 10% otherwise).
export class Progress {
  private last = -1;
  private readonly tty: boolean;
  constructor(private readonly total: number, private readonly quiet = false) {
    this.tty = !!(globalThis as any).process?.stderr?.isTTY;
  }

  update(done: number, text: string): void {
    if (this.quiet) return;
    const frac = this.total ? done / this.total : 1;
    const width = 24;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "·");
    const line = `[${bar}] ${done}/${this.total}  ${text}`;
    if (this.tty) {
      (globalThis as any).process.stderr.write(`\r${line}\x1b[K`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== this.last || done === this.total) {
        this.last = decile;
        console.error(line);
      }
    }
  }

  done(): void {
    if (this.tty && !this.quiet) (globalThis as any).process.stderr.write("\n");
  }
}
