#!/usr/bin/env node
/**
 * The bare Node client the gather is compared with: the same HTTP requests as `igny8 structure gather`
 * against a plain-http WordPress (home page → REST root from its Link header → REST index → types ‖
 * taxonomies → one `per_page=1` count per collection), with the same concurrency and keep-alive, and
 * nothing else: node:http, JSON.parse, no framework, no validation, no output but one line of JSON.
 * What it takes on a machine is the real floor for a gather there; the bench checks that it made the
 * same requests as the gather (bench/lib/wp-replay.mjs logs them) before comparing.
 *
 *   node bench/lib/bare-gather.mjs SITE_URL CONCURRENCY
 */
import http from 'node:http'

const [site, concurrencyArg] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const usable = Boolean(site) && concurrency >= 1

// What the gather sends (src/lib/wordpress/transport.ts, discovery.ts, selection.ts).
const HOME_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'
const INDEX_FIELDS = 'name,url,home,namespaces,authentication'
const INTERNALS = {
  post_types: new Set(['attachment', 'nav_menu_item', 'revision', 'custom_css', 'customize_changeset', 'oembed_cache', 'user_request']),
  taxonomies: new Set(['nav_menu', 'link_category', 'post_format']),
}

// One connection per request in flight, kept for the whole run.
const agent = new http.Agent({keepAlive: true, maxSockets: concurrency})
let requests = 0

function get(url, accept = 'application/json') {
  requests += 1
  return new Promise((resolve, reject) => {
    http
      .get(url, {agent, headers: {accept}}, (response) => {
        const chunks = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () => resolve({status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8')}))
        response.on('error', reject)
      })
      .on('error', reject)
  })
}

/** `Link: <https://example.com/wp-json/>; rel="https://api.w.org/"` → the REST root. */
function restRoot(home) {
  const match = /<([^>]+)>;\s*rel="https:\/\/api\.w\.org\/"/.exec(String(home.headers.link ?? ''))
  return match ? match[1] : new URL('wp-json/', site).href
}

const route = (root, path, query) => `${root}${path}${query ? `?${query}` : ''}`

/** The gather's requests, then one line of JSON on stdout. */
async function main() {
  const home = await get(site, HOME_ACCEPT)
  const root = restRoot(home)
  const index = JSON.parse((await get(route(root, '', `_fields=${INDEX_FIELDS}`))).body)
  const [types, taxonomies] = await Promise.all([get(route(root, 'wp/v2/types')), get(route(root, 'wp/v2/taxonomies'))])
  const collections = [
    ...Object.entries(JSON.parse(types.body)).map(([slug, entry]) => ({kind: 'post_types', slug, entry})),
    ...Object.entries(JSON.parse(taxonomies.body)).map(([slug, entry]) => ({kind: 'taxonomies', slug, entry})),
  ].filter(({kind, slug}) => !slug.startsWith('wp_') && !INTERNALS[kind].has(slug))

  const counts = Array.from({length: collections.length})
  let next = 0
  async function worker() {
    while (next < collections.length) {
      const i = next++
      const {kind, entry} = collections[i]
      const query = `${kind === 'post_types' ? 'status=publish&' : ''}per_page=1&_fields=id`
      // eslint-disable-next-line no-await-in-loop -- a worker of the pool: each makes one request at a time, so that at most `concurrency` are in flight, as in the gather
      const answer = await get(route(root, `${entry.rest_namespace ?? 'wp/v2'}/${entry.rest_base}`, query))
      JSON.parse(answer.body)
      counts[i] = answer.status === 200 ? Number(answer.headers['x-wp-total']) : undefined
    }
  }

  await Promise.all(Array.from({length: Math.min(concurrency, collections.length)}, worker))
  agent.destroy()
  process.stdout.write(`${JSON.stringify({site: index.url ?? site, collections: counts.filter((count) => count !== undefined).length, requests})}\n`)
}

if (usable) {
  await main()
} else {
  console.error('usage: node bench/lib/bare-gather.mjs SITE_URL CONCURRENCY')
  process.exitCode = 2
}
