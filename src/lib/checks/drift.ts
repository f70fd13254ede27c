/**
 * Drift between what the backend stores and what WordPress has now: post types and taxonomies added or
 * removed, and counts that moved further than the tolerance. Labels, `enabled` and `fetch_limit` are
 * choices made at push time, not WordPress changing, so drift looks at slugs and counts only.
 */
import type {ContentTypesData, StructurePayload} from '../backend/contract.js'

import {describeDiffEntry, type DiffEntry, diffStructure, type StructureKind} from '../sync/diff.js'
import {describeTolerance, type Tolerance, tolerates} from './options.js'

export interface Drift {
  /** Added or removed slugs, and count changes beyond the tolerance. */
  beyond: DiffEntry[]
  /** Count changes the tolerance allows. */
  tolerated: DiffEntry[]
}

export function assessDrift(stored: Pick<ContentTypesData, StructureKind>, live: Pick<StructurePayload, StructureKind>, tolerance: Tolerance): Drift {
  const drift: Drift = {beyond: [], tolerated: []}
  for (const entry of diffStructure(stored, live, ['count'])) {
    const allowed = entry.field === 'count' && typeof entry.backend === 'number' && typeof entry.wordpress === 'number' && tolerates(tolerance, entry.backend, entry.wordpress)
    drift[allowed ? 'tolerated' : 'beyond'].push(entry)
  }

  return drift
}

/** One sentence naming every slug and count, e.g. `post type post: count 123 → 125 (+2)`. */
export function describeDrift(drift: Drift, tolerance: Tolerance): string {
  const within = drift.tolerated.length > 0 ? `; within the tolerance of ${describeTolerance(tolerance)}: ${drift.tolerated.map((e) => describeChange(e)).join(', ')}` : ''
  if (drift.beyond.length === 0) return `WordPress matches the stored structure${within}`
  return `WordPress differs from the stored structure: ${drift.beyond.map((e) => describeChange(e)).join('; ')}${within}`
}

function describeChange(entry: DiffEntry): string {
  const text = describeDiffEntry(entry)
  if (entry.field !== 'count' || typeof entry.backend !== 'number' || typeof entry.wordpress !== 'number') return text
  const delta = entry.wordpress - entry.backend
  return `${text} (${delta > 0 ? '+' : ''}${delta})`
}
