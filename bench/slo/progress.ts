/** A one-line progress bar on stderr (only when stderr is a terminal or progress is forced on). */
export class Progress {
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly total_s: number,
  ) {}

  status(text: string): void {
    this.write(`cambist bench: ${text}`);
  }

  tick(elapsed_s: number, phase: string, rate: number, p99: number | null): void {
    const width = 30;
    const done = Math.max(0, Math.min(width, Math.round((elapsed_s / this.total_s) * width)));
    const bar = `${'#'.repeat(done)}${'.'.repeat(width - done)}`;
    const p = p99 === null ? '–' : p99 >= 1000 ? `${(p99 / 1000).toFixed(1)} ms` : `${Math.round(p99)} µs`;
    this.write(`[${bar}] ${Math.floor(elapsed_s)}/${this.total_s} s  ${phase}  ${Math.round(rate).toLocaleString('en-US')} upd/s  tick→signal p99 ${p}`);
  }

  async wait(ms: number, label: string): Promise<void> {
    this.status(label);
    await new Promise<void>((r) => setTimeout(r, ms));
  }

  done(): void {
    if (this.enabled && this.shown) process.stderr.write('\n');
    this.shown = false;
  }

  private write(line: string): void {
    if (!this.enabled) return;
    // \r + clear-to-end redraws the line in place on a terminal; in a log file each update is a line.
    process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    this.shown = process.stderr.isTTY === true;
  }
}
