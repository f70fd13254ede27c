#!/usr/bin/env node
/**
 * Records the WordPress REST answers the replay server (lib/wp-replay.mjs) serves, from a real WordPress:
 *
 *   eval "$(WPLAB_DIR=/tmp/igny8-bench-wp bash scripts/wordpress.sh up 8189)"
 *   node bench/record-fixtures.mjs "$WP_URL"
 *
 * Writes bench/fixtures/*.json: the home page (its <head> and the Link header), the REST index as
 * `_fields` trims it, /wp/v2/types, /wp/v2/taxonomies, one collection answer with its X-WP-Total,
 * X-WP-TotalPages and Link headers, and the totals of every public collection. The site's origin is
 * replaced by {{BASE}} so that the replay can serve the same answers under any address.
 */
import fs from 'node:fs'
import path from 'node:path'

const site = process.argv[2] ?? process.env.WP_URL
// Without a site, the usage line and exit code 2 (at the end of this file); nothing is recorded.
const origin = site ? new URL(site).origin : undefined
const dir = path.join(import.meta.dirname, 'fixtures')
const KEEP_HEADERS = ['content-type', 'link', 'x-wp-total', 'x-wp-totalpages', 'allow', 'x-robots-tag', 'x-content-type-options', 'access-control-expose-headers', 'access-control-allow-headers', 'vary']

async function record(name, route, transform = (body) => body) {
  const response = await fetch(`${origin}${route}`, {headers: {accept: route === '/' ? 'text/html' : 'application/json'}})
  const headers = {}
  for (const key of KEEP_HEADERS) {
    const value = response.headers.get(key)
    if (value !== null) headers[key] = value
  }

  const body = transform(await response.text())
  const fixture = templated({route, status: response.status, headers, body})
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n')
  console.error(`${name}: ${response.status} ${route} (${body.length} bytes)`)
  return fixture
}

/** Every occurrence of the site's origin (plain or JSON-escaped) becomes {{BASE}}. */
function templated(value) {
  const escaped = origin.replaceAll('/', String.raw`\/`)
  return JSON.parse(JSON.stringify(value).replaceAll(JSON.stringify(escaped).slice(1, -1), '{{BASE}}').replaceAll(origin, '{{BASE}}'))
}

/** The collection's X-WP-Total, or its answer ({{BASE}}-templated) when it cannot be counted anonymously. */
async function total(kind, entry) {
  const status = kind === 'post_types' ? '&status=publish' : ''
  const response = await fetch(`${origin}/wp-json/${entry.rest_namespace ?? 'wp/v2'}/${entry.rest_base}?per_page=1&_fields=id${status}`)
  const body = await response.text()
  return response.ok ? Number(response.headers.get('x-wp-total')) : templated({status: response.status, body})
}

async function recordAll() {
  fs.mkdirSync(dir, {recursive: true})
  // The <head> is what a client reads (Link tag, generator); the rest of the page is theme markup.
  await record('home', '/', (html) => `${html.slice(0, html.indexOf('</head>') + '</head>'.length)}\n<body class="home"></body>\n</html>\n`)
  await record('index', '/wp-json/?_fields=name,url,home,namespaces,authentication')
  const types = await record('types', '/wp-json/wp/v2/types')
  const taxonomies = await record('taxonomies', '/wp-json/wp/v2/taxonomies')
  await record('collection', '/wp-json/wp/v2/posts?status=publish&per_page=1&_fields=id')
  await record('not-found', '/wp-json/wp/v2/no-such-route')

  // The totals of every collection the anonymous client can count: the replay answers them as recorded.
  const totals = {}
  for (const [kind, fixture] of [['post_types', types], ['taxonomies', taxonomies]]) {
    for (const entry of Object.values(JSON.parse(fixture.body))) {
      // eslint-disable-next-line no-await-in-loop -- one request at a time, as the record above: the lab is a shared test WordPress (php -S), not to be loaded with a burst
      totals[entry.rest_base] = await total(kind, entry)
    }
  }

  fs.writeFileSync(path.join(dir, 'totals.json'), JSON.stringify(totals, null, 2) + '\n')
  console.error(`totals: ${Object.keys(totals).length} collections`)
}

if (site) {
  await recordAll()
} else {
  console.error('usage: node bench/record-fixtures.mjs WP_URL')
  process.exitCode = 2
}
