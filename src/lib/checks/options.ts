/**
 * The values of `integration check` flags that need more than oclif's parsing: the drift tolerance
 * (`N` or `N%`), the maximum structure age and the `--shard K/N` split of a fleet. Each parser throws a
 * usage error (exit 2) before anything runs.
 */
import type {Site} from '../backend/contract.js'

import {parseDurationSetting} from '../duration.js'
import {usageError} from '../errors.js'
import {parseOverrides} from '../structure/selection.js'
import {DEFAULT_MAX_AGE_MS} from '../sync/content-types.js'
import {parseSiteUrl} from '../wordpress/site-url.js'

export interface CheckSettings {
  maxAgeMs: number
  driftTolerance: Tolerance
  roundTrip: boolean
  strict: boolean
}

export interface CheckFlagValues {
  'max-age'?: string
  'drift-tolerance'?: string
  'round-trip': boolean
  strict: boolean
  shard?: string
  'wp-url'?: string
  enable?: string[]
  disable?: string[]
  'fetch-limit'?: string[]
}

/**
 * Every flag value checked before any check runs: a bad value is a usage error (exit 2), not a failing
 * check. The gather flags are checked here too, since inside a check their errors would read as a broken link.
 */
export function parseCheckFlags(flags: CheckFlagValues): {settings: CheckSettings; shard?: Shard} {
  if (flags['wp-url'] !== undefined) parseSiteUrl(flags['wp-url'])
  parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']})
  return {
    settings: {maxAgeMs: parseMaxAge(flags['max-age']), driftTolerance: parseTolerance(flags['drift-tolerance']), roundTrip: flags['round-trip'], strict: flags.strict},
    shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
  }
}

/** How far a live count may stray from the stored one before it counts as drift. */
export type Tolerance = {kind: 'absolute'; value: number} | {kind: 'percent'; value: number}

export const NO_TOLERANCE: Tolerance = {kind: 'absolute', value: 0}

export function parseTolerance(text: string | undefined): Tolerance {
  if (text === undefined) return NO_TOLERANCE
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text)
  if (!match) throw usageError(`Invalid --drift-tolerance "${text}": expected a number of items (5) or a percentage (2%).`, undefined, 'invalid_tolerance')
  return match[2] ? {kind: 'percent', value: Number(match[1])} : {kind: 'absolute', value: Number(match[1])}
}

/** A percentage is of the stored count: 10% of 200 tolerates 180 to 220. */
export function tolerates(tolerance: Tolerance, stored: number, live: number): boolean {
  const delta = Math.abs(live - stored)
  return tolerance.kind === 'absolute' ? delta <= tolerance.value : delta * 100 <= stored * tolerance.value
}

export function describeTolerance(tolerance: Tolerance): string {
  return tolerance.kind === 'percent' ? `${tolerance.value}%` : String(tolerance.value)
}

export function parseMaxAge(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_AGE_MS
  return parseDurationSetting(text, '--max-age', '26h, 90m, 2d or 3600s')
}

export interface Shard {
  /** 1-based. */
  index: number
  count: number
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || count < 1 || index < 1 || index > count) {
    throw usageError(`Invalid --shard "${text}": expected K/N with 1 ≤ K ≤ N, e.g. 1/4.`, 'Run N jobs with --shard 1/N … N/N: together they check every site once.', 'invalid_shard')
  }

  return {index, count}
}

/**
 * The sites of one shard: sorted by id, every N-th starting at K-1. Deterministic for the same site
 * list, so N parallel jobs check every site exactly once.
 */
export function sitesOfShard<S extends Pick<Site, 'id'>>(sites: readonly S[], shard: Shard | undefined): S[] {
  const sorted = [...sites].sort((a, b) => a.id - b.id)
  return shard ? sorted.filter((_site, i) => i % shard.count === shard.index - 1) : sorted
}
