/**
 * A one-line progress bar on stderr for fleet runs, drawn only on a terminal: sites done out of the
 * total, how many failed so far, and the time taken. Redrawn at most ten times a second and erased at
 * the end, so what stays on screen is the report.
 */
import {formatClock} from '../duration.js'

export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(text: string): boolean
}

const REDRAW_MS = 100

export class ProgressBar {
  private done = 0
  private failing = 0
  private lastDraw = 0
  private readonly started = Date.now()
  private shown = false

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    private readonly noun = 'sites',
  ) {}

  /** One more site finished. */
  tick(failed: boolean): void {
    this.done++
    if (failed) this.failing++
    const now = Date.now()
    if (this.done === this.total || now - this.lastDraw >= REDRAW_MS) this.draw(now)
  }

  /** Erases the bar (before the report is printed, or on Ctrl-C). */
  clear(): void {
    if (this.shown) this.stream.write('\r\u001B[2K')
    this.shown = false
  }

  /** The line as it is drawn, without the carriage return (for tests). */
  line(now = Date.now()): string {
    const text = ` ${this.done}/${this.total} ${this.noun} · ${this.failing} failing · ${formatClock(now - this.started)}`
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - text.length - 3))
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width)
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${text}`
  }

  private draw(now: number): void {
    if (!this.stream.isTTY) return
    this.lastDraw = now
    this.shown = true
    this.stream.write(`\r\u001B[2K${this.line(now)}`)
  }
}

/** The width a table for the terminal must fit: the terminal's, or 80 when stdout is not one. */
export function terminalWidth(stream: {isTTY?: boolean; columns?: number} = process.stdout): number {
  return stream.isTTY && stream.columns ? Math.max(60, Math.min(stream.columns, 160)) : 80
}
