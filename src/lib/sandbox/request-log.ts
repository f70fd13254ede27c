/**
 * What the sandbox was asked, for tests to assert on: method, path, query, the auth scheme used (never
 * the credential), the status answered, and for update-structure the body. Bounded, oldest dropped first.
 */
import type {RequestLogEntry} from './options.js'

const MAX_ENTRIES = 5000

export class RequestLog {
  private entries: RequestLogEntry[] = []
  private seq = 0

  open(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = {...entry, seq: ++this.seq}
    this.entries.push(full)
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES)
    return full
  }

  /** Entries in arrival order, optionally only those whose path contains `pathPart`. */
  list(pathPart?: string): RequestLogEntry[] {
    return this.entries.filter((entry) => !pathPart || entry.path.includes(pathPart)).map((entry) => structuredClone(entry))
  }

  clear(): number {
    const count = this.entries.length
    this.entries = []
    return count
  }
}
