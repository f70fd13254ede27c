/**
 * The `X-Throttle-*` headers every answer carries (docs/backend-contract.md, Rate limiting), from a fixed
 * one-minute window. With a limit set the window is enforced (429 beyond it); without one a generous
 * nominal limit is reported, never enforced.
 */
import {throttleHeaders} from '../backend/contract.js'

/** Reported when no limit is enforced: high enough that a careful client never waits for it. */
export const NOMINAL_LIMIT = 1000
const WINDOW_MS = 60_000

export interface ThrottleState {
  limit: number
  remaining: number
  /** Unix seconds at which the window resets. */
  reset: number
  throttled: boolean
  /** Seconds until the reset, for Retry-After. */
  retryAfter: number
}

export class ThrottleWindow {
  private start = 0
  private used = 0

  constructor(private readonly limitPerMinute: number | undefined) {}

  /** Counts one request and says whether it is over the limit. */
  take(now = Date.now()): ThrottleState {
    this.roll(now)
    this.used += 1
    return this.snapshot(now, this.limitPerMinute !== undefined && this.used > this.limitPerMinute)
  }

  /** The current numbers without counting a request (control hooks). */
  peek(now = Date.now()): ThrottleState {
    this.roll(now)
    return this.snapshot(now, false)
  }

  private roll(now: number): void {
    if (now - this.start >= WINDOW_MS) {
      this.start = now
      this.used = 0
    }
  }

  private snapshot(now: number, throttled: boolean): ThrottleState {
    const limit = this.limitPerMinute ?? NOMINAL_LIMIT
    const resetMs = this.start + WINDOW_MS
    return {
      limit,
      remaining: Math.max(0, limit - this.used),
      reset: Math.ceil(resetMs / 1000),
      throttled,
      retryAfter: Math.max(1, Math.ceil((resetMs - now) / 1000)),
    }
  }
}

export function throttleHeaderValues(state: ThrottleState): Record<string, string> {
  return {
    [throttleHeaders.limit]: String(state.limit),
    [throttleHeaders.remaining]: String(state.remaining),
    [throttleHeaders.reset]: String(state.reset),
  }
}
