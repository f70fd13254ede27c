/**
 * Durations, both ways: what a user types (`--max-age 26h`) and what igny8 says ("3 h ago", "184 ms",
 * "in 2.41 s").
 * Every parse and every human rendering of a duration is here.
 */

import {usageError} from './errors.js'

const UNIT_MS = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000} as const

/** `26h`, `90m`, `2d`, `3600s`, `250ms` or a bare number of seconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text)
  if (!match) return undefined
  const unit = (match[2] ?? 's').toLowerCase() as keyof typeof UNIT_MS
  return Number(match[1]) * UNIT_MS[unit]
}

/** A duration given by the user (flag or environment), or a usage error (exit 2) naming it. */
export function parseDurationSetting(text: string, name: string, examples: string): number {
  const ms = parseDuration(text)
  if (ms === undefined || ms <= 0) throw usageError(`Invalid ${name} "${text}": expected a duration like ${examples}.`, undefined, 'invalid_duration')
  return ms
}

/** An age or a time left, rounded for humans: `45 s`, `12 min`, `26 h`, `3 days` (negative counts as 0). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 90) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 90) return `${minutes} min`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} h`
  return `${Math.round(hours / 24)} days`
}

/** How long one request or check took, to the millisecond: `184 ms`. */
export function formatMilliseconds(ms: number): string {
  return `${Math.round(ms)} ms`
}

/** How long a run took, to the hundredth of a second: `2.41 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

/** Time taken as a clock: `0:42`, `12:05`, `1:02:09`. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60]
  return h > 0 ? `${h}:${twoDigits(m)}:${twoDigits(s)}` : `${m}:${twoDigits(s)}`
}

const twoDigits = (n: number): string => String(n).padStart(2, '0')
