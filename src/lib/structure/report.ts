import type {GatherReport} from './gather.js'

/** Human words for where a gathered structure came from, and what it cost. */
import {formatSeconds} from '../duration.js'
import {plural} from '../output/words.js'
import {DISCOVERY_LABELS} from '../wordpress/discovery.js'

export function describeOrigin(report: GatherReport): string {
  const who = report.user ? `as WordPress user "${report.user.slug ?? report.user.name ?? report.user.id}"` : 'anonymously'
  const where =
    report.source === 'plugin'
      ? `the IGNY8 plugin (REST root ${report.restRoot})`
      : `core REST at ${report.restRoot} (found via ${DISCOVERY_LABELS[report.discoveredVia]}) ${who}`
  return `Read from ${where}: ${plural(report.requests, 'request')} in ${formatSeconds(report.durationMs)}.`
}
