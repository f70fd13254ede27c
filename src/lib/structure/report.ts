/** Human words for where a gathered structure came from, and what it cost. */
import {DISCOVERY_LABELS} from '../wordpress/discovery.js'
import type {GatherReport} from './gather.js'

export function describeOrigin(report: GatherReport): string {
  const who = report.user ? `as WordPress user "${report.user.slug ?? report.user.name ?? report.user.id}"` : 'anonymously'
  const where =
    report.source === 'plugin'
      ? `the IGNY8 plugin (REST root ${report.restRoot})`
      : `core REST at ${report.restRoot} (found via ${DISCOVERY_LABELS[report.discoveredVia]}) ${who}`
  const requests = `${report.requests} ${report.requests === 1 ? 'request' : 'requests'}`
  return `Read from ${where}: ${requests} in ${(report.durationMs / 1000).toFixed(2)} s.`
}
