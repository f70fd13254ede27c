/**
 * A WordPress-shaped site on loopback that replays answers recorded from the project's real test
 * WordPress (bench/fixtures/, see bench/record-fixtures.mjs), scaled to any number of REST-visible post
 * types and taxonomies, with a fixed delay before every response, counting requests and TCP connections.
 *
 * Several sites share one server: `/s/<n>/…` is site n (its home page advertises `/s/<n>/wp-json/`), and
 * the root is a site too. Keep-alive is on (Node's default), as on most production servers: how many
 * connections a client opens for its requests is what the bench's keep-alive rows look at. Every
 * request is also logged (`stats.log`) so that the bench can check that two clients asked the same.
 *
 * Scaling: the recorded public types (post, page, product) and taxonomies (category, post_tag,
 * product_cat) stay, core internals (attachment, wp_block, nav_menu, …) stay, and synthetic entries
 * `type_001…` / `tax_001…` (cloned from post / category, rest_namespace wp/v2) are added until there are
 * `types` public post types and `taxonomies` public taxonomies.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures')
const PUBLIC_TYPES = ['post', 'page', 'product']
const PUBLIC_TAXONOMIES = ['category', 'post_tag', 'product_cat']

function load(name) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'))
}

/** Keyed collections scaled to `wanted` public entries; returns the JSON text with {{BASE}} placeholders. */
function scaled(fixture, {publicSlugs, wanted, prefix, template}) {
  const entries = JSON.parse(fixture.body)
  const realPublic = publicSlugs.filter((slug) => slug in entries)
  if (wanted < realPublic.length) {
    for (const slug of realPublic.slice(wanted)) delete entries[slug]
  }

  const model = JSON.stringify(entries[template])
  for (let i = 1; i <= wanted - realPublic.length; i++) {
    const slug = `${prefix}_${String(i).padStart(3, '0')}`
    const entry = JSON.parse(model.replaceAll(`/${entries[template].rest_base}`, `/${slug}`))
    Object.assign(entry, {name: `Synthetic ${prefix} ${i}`, slug, rest_base: slug, rest_namespace: 'wp/v2'})
    if ('types' in entry) entry.types = ['post']
    if ('taxonomies' in entry) entry.taxonomies = []
    entries[slug] = entry
  }

  return JSON.stringify(entries)
}

export async function startReplay({types = 3, taxonomies = 3, delayMs = 0, host = '127.0.0.1'} = {}) {
  const fixtures = {
    home: load('home'),
    index: load('index'),
    collection: load('collection'),
    notFound: load('not-found'),
    totals: load('totals'),
  }
  const typesFixture = load('types')
  const taxonomiesFixture = load('taxonomies')
  const typesBody = scaled(typesFixture, {publicSlugs: PUBLIC_TYPES, wanted: types, prefix: 'type', template: 'post'})
  const taxonomiesBody = scaled(taxonomiesFixture, {publicSlugs: PUBLIC_TAXONOMIES, wanted: taxonomies, prefix: 'tax', template: 'category'})
  const collections = new Map()
  for (const [kind, body] of [['post_types', typesBody], ['taxonomies', taxonomiesBody]]) {
    for (const entry of Object.values(JSON.parse(body))) {
      const recorded = fixtures.totals[entry.rest_base]
      // Synthetic collections get a deterministic total; recorded ones answer as the real site did.
      const synthetic = recorded === undefined ? (entry.rest_base.length * 37 + Number(entry.rest_base.replaceAll(/\D/g, '') || 0) * 11) % 400 : undefined
      collections.set(`${entry.rest_namespace ?? 'wp/v2'}/${entry.rest_base}`, {kind, recorded: synthetic ?? recorded})
    }
  }

  // firstAt/lastAt: performance.now() of this process when the first request arrived and the last
  // response was sent since the last reset (a client spawned by this process shares the clock origin).
  // log: every request as `METHOD /path?query` (query decoded and sorted), to compare two clients' requests.
  const stats = {requests: 0, connections: 0, byRoute: {}, firstAt: undefined, lastAt: undefined, log: []}
  let origin = ''

  const server = http.createServer((request, response) => {
    stats.requests += 1
    stats.firstAt ??= performance.now()
    const url = new URL(request.url ?? '/', origin)
    stats.log.push(`${request.method} ${url.pathname}${[...url.searchParams].length > 0 ? `?${[...url.searchParams].map(([k, v]) => `${k}=${v}`).sort().join('&')}` : ''}`)
    const site = /^\/s\/(\d+)(\/.*)?$/.exec(url.pathname)
    const base = site ? `${origin}/s/${site[1]}` : origin
    let route = site ? (site[2] ?? '/') : url.pathname
    if (url.searchParams.has('rest_route')) route = `/wp-json${url.searchParams.get('rest_route')}`
    const answer = route === '/' || route === '' ? {...fixtures.home, kind: 'home'} : restAnswer(route, url, base)
    stats.byRoute[answer.kind] = (stats.byRoute[answer.kind] ?? 0) + 1
    const body = answer.body.replaceAll('{{BASE}}', base)
    const headers = {...answer.headers}
    for (const [key, value] of Object.entries(headers)) headers[key] = String(value).replaceAll('{{BASE}}', base)
    headers['content-length'] = Buffer.byteLength(body)
    const send = () => {
      response.writeHead(answer.status, headers)
      response.end(request.method === 'HEAD' ? undefined : body)
      stats.lastAt = performance.now()
    }

    if (delayMs > 0) setTimeout(send, delayMs)
    else send()
  })

  function restAnswer(route, url, base) {
    const rest = /^\/wp-json(\/.*)?$/.exec(route)
    if (!rest) return {...fixtures.notFound, kind: 'not-found'}
    const path = (rest[1] ?? '/').replace(/\/+$/, '') || '/'
    if (path === '/') return {...fixtures.index, kind: 'index'}
    if (path === '/wp/v2/types') return {status: 200, headers: typesFixture.headers, body: typesBody, kind: 'types'}
    if (path === '/wp/v2/taxonomies') return {status: 200, headers: taxonomiesFixture.headers, body: taxonomiesBody, kind: 'taxonomies'}
    const collection = collections.get(path.slice(1))
    if (!collection) return {...fixtures.notFound, kind: 'not-found'}
    if (typeof collection.recorded === 'object') return {...collection.recorded, headers: fixtures.notFound.headers, kind: 'count-error'}
    const total = collection.recorded
    const perPage = Math.max(1, Math.min(100, Number(url.searchParams.get('per_page') ?? 10) || 10))
    const pages = Math.ceil(total / perPage)
    const page = Number(url.searchParams.get('page') ?? 1) || 1
    const query = new URLSearchParams(url.searchParams)
    query.set('page', String(page + 1))
    const headers = {...fixtures.collection.headers, 'x-wp-total': String(total), 'x-wp-totalpages': String(pages)}
    if (page < pages) headers.link = `<${base}${route}?${query}>; rel="next"`
    else delete headers.link
    const count = Math.min(perPage, Math.max(0, total - (page - 1) * perPage))
    const items = Array.from({length: count}, (_, i) => ({id: 1000 + (page - 1) * perPage + i}))
    return {status: 200, headers, body: JSON.stringify(items), kind: 'count'}
  }

  server.on('connection', () => {
    stats.connections += 1
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, resolve)
  })
  const {port} = server.address()
  origin = `http://${host}:${port}`

  return {
    url: origin,
    /** Site n's home URL (n ≥ 1); site 0 is the root. */
    siteUrl: (n) => (n ? `${origin}/s/${n}/` : `${origin}/`),
    collections: collections.size,
    stats,
    reset() {
      stats.requests = 0
      stats.connections = 0
      stats.byRoute = {}
      stats.firstAt = undefined
      stats.lastAt = undefined
      stats.log = []
    },
    setDelay(ms) {
      delayMs = ms
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
