/**
 * The bound on one site of a fleet run (`--site-timeout`): every request made for the site carries its
 * signal, so a site that accepts connections and never answers is given up when the time is out, with
 * its cause named by the check or gather that was waiting, while the other sites go on. Retries are not
 * started when their wait would pass the deadline.
 */
export const DEFAULT_SITE_TIMEOUT_MS = 30_000

export class Deadline {
  readonly signal: AbortSignal
  private readonly endsAt: number
  private readonly controller = new AbortController()
  private readonly timer: NodeJS.Timeout

  constructor(readonly ms: number) {
    this.endsAt = Date.now() + ms
    this.signal = this.controller.signal
    this.timer = setTimeout(() => this.controller.abort(), ms)
    // A pending deadline must not keep a finished run alive.
    this.timer.unref()
  }

  get remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now())
  }

  get passed(): boolean {
    return this.signal.aborted
  }

  /** The site is done: nothing of it is left to abort. */
  clear(): void {
    clearTimeout(this.timer)
  }
}
