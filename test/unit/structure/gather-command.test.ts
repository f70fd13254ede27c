import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {structurePayloadSchema} from '../../../src/lib/backend/contract.js'
import {setStdoutTTY} from '../../helpers/tty.js'
import {
  countQuery,
  countReply,
  COUNTS,
  EXPECTED_POST_TYPES,
  EXPECTED_TAXONOMIES,
  fakeSite,
  homeHtml,
  HTML,
  INDEX,
  INDEX_FIELDS,
  PRETTY,
  restGet,
  SITE,
  TAXONOMIES,
  TYPES,
  wpError,
} from '../wordpress/fake-site.js'

const APP_PASSWORD = 'abcd EFGH ijkl MNOP qrst UVWX'
const BASIC = `Basic ${Buffer.from(`admin:${APP_PASSWORD}`).toString('base64')}`
const API_KEY = 'igny8_site_key_0123456789'

async function gather(...args: string[]) {
  return runCommand(['structure gather', '--wp-url', SITE, ...args])
}

function withCredentials(): void {
  process.env.IGNY8_WP_USER = 'admin'
  process.env.IGNY8_WP_APP_PASSWORD = APP_PASSWORD
}

function home(link?: string): void {
  nock(SITE)
    .get('/')
    .reply(200, homeHtml(), {...HTML, ...(link ? {link: `<${link}>; rel="https://api.w.org/"`} : {})})
}

function indexReply(status = 200, body: unknown = INDEX): void {
  restGet(nock(SITE), PRETTY, '', {_fields: INDEX_FIELDS}).reply(status, body as nock.Body)
}

function errorOf(stdout: string): {code: string; message: string; exitCode: number; hint?: string} {
  return JSON.parse(stdout).error
}

describe('structure gather', () => {
  describe('reading a site', () => {
    it('reads types, taxonomies and counts through the Link header root (--json)', async () => {
      fakeSite()
      const {stdout, error} = await gather('--json')
      expect(error).to.equal(undefined)
      const result = JSON.parse(stdout)
      expect(result.post_types).to.deep.equal(EXPECTED_POST_TYPES)
      expect(result.taxonomies).to.deep.equal(EXPECTED_TAXONOMIES)
      expect(result.site_url).to.equal(SITE)
      expect(result.wordpress_version).to.equal('6.1.9')
      expect(result.timestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(result).to.not.have.property('plugin_connection_enabled')
      expect(result).to.not.have.property('two_way_sync_enabled')
      expect(result.warnings).to.deep.equal([
        'Post types and taxonomies hidden from the REST API (show_in_rest false) cannot be seen, and counts are published items only (what anonymous REST shows).',
      ])
      expect(structurePayloadSchema.safeParse(result).success).to.equal(true)
    })

    it('works with plain permalinks through ?rest_route= (/wp-json/ answers the HTML front page)', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), HTML)
      nock(SITE).get('/wp-json/').query({_fields: INDEX_FIELDS}).reply(200, homeHtml(), HTML)
      const root = {form: 'plain', path: '/'} as const
      restGet(nock(SITE), root, '', {_fields: INDEX_FIELDS}).reply(200, INDEX)
      fakeSite({root, index: false})
      const {stdout, stderr, error} = await gather()
      expect(error).to.equal(undefined)
      expect(stderr).to.include(`core REST at ${SITE}/?rest_route=/ (found via ?rest_route=/)`)
      expect(stdout).to.include('product_cat')
    })

    it('prints two tables on a terminal, then where it read from and how many requests it took', async () => {
      fakeSite()
      const restore = setStdoutTTY(true)
      const {stdout, stderr, error} = await gather().finally(restore)
      expect(error).to.equal(undefined)
      expect(stdout).to.match(/^Post types\n/)
      expect(stdout).to.include('\nTaxonomies\n')
      expect(stdout).to.match(/│ product\s+│ Products\s+│\s+45 │ no\s+│\s+50 │/)
      expect(stdout).to.match(/│ post\s+│ Posts\s+│\s+123 │ yes\s+│\s+100 │/)
      // eslint-disable-next-line no-control-regex -- matches terminal colour codes
      expect(stdout + stderr).to.not.match(/\u001B\[/)
      // home, index, types, taxonomies, 6 counts
      expect(stderr).to.match(new RegExp(`Read from core REST at ${SITE}/wp-json/ \\(found via the Link header\\) anonymously: 10 requests in \\d+\\.\\d\\d s\\.`))
      expect(stderr).to.include('Warning: Post types and taxonomies hidden from the REST API')
    })

    it('leaves out a collection anonymous REST may not read, and says so', async () => {
      const types = {...TYPES, secret_doc: {...TYPES.product, slug: 'secret_doc', name: 'Secret docs', rest_base: 'secret-docs'}}
      const scope = fakeSite({types})
      restGet(scope, PRETTY, 'wp/v2/secret-docs', {status: 'publish', per_page: '1', _fields: 'id'}).reply(401, wpError('rest_forbidden', 'Sorry, you are not allowed to do that.', 401))
      const {stdout, error} = await gather('--json')
      expect(error).to.equal(undefined)
      const result = JSON.parse(stdout)
      expect(result.post_types).to.not.have.property('secret_doc')
      expect(result.warnings).to.include('The post type "secret_doc" was left out: its collection answered 401 rest_forbidden to an anonymous request (not public).')
    })

    it('reads the version from the feed when the home page has no generator tag', async () => {
      fakeSite({generator: false})
      nock(SITE)
        .get('/')
        .query({feed: 'rss2'})
        .reply(200, '<?xml version="1.0"?><rss><channel><generator>https://wordpress.org/?v=6.1.9</generator></channel></rss>', {'content-type': 'application/rss+xml; charset=UTF-8'})
      const {stdout, error} = await gather('--json')
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout).wordpress_version).to.equal('6.1.9')
    })

    it('leaves wordpress_version out when neither the home page nor the feed tells', async () => {
      fakeSite({generator: false})
      nock(SITE).get('/').query({feed: 'rss2'}).reply(404, homeHtml({generator: false}), HTML)
      const {stdout, error} = await gather('--json')
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout)).to.not.have.property('wordpress_version')
    })
  })

  describe('overrides', () => {
    it('applies --enable, --disable and --fetch-limit per slug', async () => {
      fakeSite()
      const {stdout, error} = await gather('--enable', 'product,product_cat', '--disable', 'page', '--fetch-limit', 'product=200', '--fetch-limit', 'post_tag=10', '--json')
      expect(error).to.equal(undefined)
      const result = JSON.parse(stdout)
      expect(result.post_types.product).to.deep.equal({label: 'Products', count: 45, enabled: true, fetch_limit: 200})
      expect(result.post_types.page).to.deep.equal({label: 'Pages', count: 12, enabled: false, fetch_limit: 100})
      expect(result.taxonomies.product_cat.enabled).to.equal(true)
      expect(result.taxonomies.post_tag.fetch_limit).to.equal(10)
    })

    it('exits 2 naming an unknown slug and listing the known ones', async () => {
      fakeSite()
      const {stdout, error} = await gather('--enable', 'products', '--json')
      expect(error?.oclif?.exit).to.equal(2)
      const body = errorOf(stdout)
      expect(body.code).to.equal('unknown_slug')
      expect(body.message).to.equal('Unknown slug "products": this site has post types: post, page, product; taxonomies: category, post_tag, product_cat.')
    })

    it('exits 2 before any request for a malformed --fetch-limit or slug (the home page is not even asked for)', async () => {
      for (const args of [['--fetch-limit', 'product=0'], ['--enable', 'bad slug!']]) {
        const home = nock(SITE).get('/').reply(200, homeHtml(), HTML)
        // eslint-disable-next-line no-await-in-loop -- each case has its own home-page interceptor, checked unused and cleared (nock.cleanAll) before the next
        const {stderr, error} = await gather(...args)
        expect(error?.oclif?.exit).to.equal(2)
        expect(stderr).to.match(/Invalid (--fetch-limit "product=0"|slug ")/)
        expect(home.isDone(), `${args.join(' ')}: the home page was requested`).to.equal(false)
        nock.cleanAll()
      }
    })
  })

  describe('output: tables on a terminal, rows in a pipe or with --format', () => {
    it('in a pipe with no --format: tab-separated rows without a header (post types, then taxonomies, by slug); where it read from on stderr', async () => {
      fakeSite()
      const restore = setStdoutTTY(false)
      const {stdout, stderr, error} = await gather().finally(restore)
      expect(error).to.equal(undefined)
      expect(stdout).to.equal(
        [
          'post_type\tpage\tPages\t12\ttrue\t100',
          'post_type\tpost\tPosts\t123\ttrue\t100',
          'post_type\tproduct\tProducts\t45\tfalse\t50',
          'taxonomy\tcategory\tCategories\t25\ttrue\t100',
          'taxonomy\tpost_tag\tTags\t102\ttrue\t100',
          'taxonomy\tproduct_cat\tProduct categories\t15\tfalse\t50',
          '',
        ].join('\n'),
      )
      expect(stderr).to.include('Read from core REST')
    })

    it('--format yaml and --fields on a terminal: only the rows, those columns in that order', async () => {
      fakeSite()
      const restore = setStdoutTTY(true)
      const {stdout, error} = await gather('--format', 'yaml', '--fields', 'slug,count,enabled').finally(restore)
      expect(error).to.equal(undefined)
      expect(stdout.split('\n').slice(0, 6)).to.deep.equal(['- slug: page', '  count: 12', '  enabled: true', '- slug: post', '  count: 123', '  enabled: true'])
      expect(stdout).to.not.include('Post types')
    })

    it('--format csv with --output: the rows on stdout, the full payload in the file', async () => {
      fakeSite()
      const file = path.join(process.env.IGNY8_CONFIG_DIR!, 'structure.json')
      const {stdout, error} = await gather('--format', 'csv', '--fields', 'kind,slug', '--output', file)
      expect(error).to.equal(undefined)
      expect(stdout.split('\n').slice(0, 2)).to.deep.equal(['kind,slug', 'post_type,page'])
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).post_types.post.count).to.equal(123)
    })

    it('an unknown field exits 2 naming the valid ones, before any request (synced_count is content-types show\'s)', async () => {
      const home = nock(SITE).get('/').reply(200, homeHtml(), HTML)
      const {stderr, error} = await gather('--fields', 'slug,synced_count')
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.include('Unknown field "synced_count" for --fields: the fields are kind, slug, label, count, enabled, fetch_limit.')
      expect(home.isDone()).to.equal(false)
      nock.cleanAll()
    })
  })

  describe('credentials', () => {
    it('verifies an application password with users/me and still counts published items only', async () => {
      withCredentials()
      fakeSite({expectHeaders: {authorization: BASIC}})
      nock(SITE, {reqheaders: {authorization: BASIC}}).get('/wp-json/wp/v2/users/me').query({_fields: 'id,name,slug'}).reply(200, {id: 1, name: 'admin', slug: 'admin'})
      const restore = setStdoutTTY(false)
      const {stdout, stderr, error} = await gather().finally(restore)
      expect(error).to.equal(undefined)
      expect(stdout).to.include('post_type\tpost\tPosts\t123\t')
      expect(stderr).to.include('as WordPress user "admin": 11 requests')
      expect(stdout + stderr).to.not.include(APP_PASSWORD).and.not.include(BASIC.slice(6))
    })

    it('exits 4 when WordPress silently treats bad credentials as anonymous (rest_not_logged_in on users/me)', async () => {
      withCredentials()
      home(`${SITE}/wp-json/`)
      indexReply()
      nock(SITE).get('/wp-json/wp/v2/users/me').query(true).reply(401, wpError('rest_not_logged_in', 'You are not currently logged in.', 401))
      const {stdout, error} = await gather('--json')
      expect(error?.oclif?.exit).to.equal(4)
      const body = errorOf(stdout)
      expect(body.code).to.equal('wordpress_auth_rejected')
      expect(body.message).to.equal('WordPress rejected the credentials of user "admin" (401 rest_not_logged_in: You are not currently logged in.).')
      expect(body.hint).to.include('application password')
      expect(stdout).to.not.include(APP_PASSWORD)
    })

    it('exits 4 with the WordPress code when a plugin resolves the user early (incorrect_password)', async () => {
      withCredentials()
      home(`${SITE}/wp-json/`)
      indexReply(200, {...INDEX, authentication: []})
      nock(SITE)
        .get('/wp-json/wp/v2/users/me')
        .query(true)
        .reply(401, wpError('invalid_username', '<strong>Error:</strong> Unknown username. Check again or try your email address.', 401))
      const {stderr, error} = await gather()
      expect(error?.oclif?.exit).to.equal(4)
      expect(stderr).to.include('(401 invalid_username: Error: Unknown username. Check again or try your email address.)')
      expect(stderr).to.include('does not offer application passwords')
    })

    it('exits 5 with the WordPress code when REST requires login and no credentials were given', async () => {
      home(`${SITE}/wp-json/`)
      indexReply(401, wpError('rest_not_logged_in', 'You are not currently logged in.', 401))
      restGet(nock(SITE), PRETTY, 'wp/v2/types').reply(401, wpError('rest_not_logged_in', 'You are not currently logged in.', 401))
      restGet(nock(SITE), PRETTY, 'wp/v2/taxonomies').reply(401, wpError('rest_not_logged_in', 'You are not currently logged in.', 401))
      const {stdout, error} = await gather('--json')
      expect(error?.oclif?.exit).to.equal(5)
      const body = errorOf(stdout)
      expect(body.code).to.equal('wordpress_login_required')
      expect(body.message).to.include('rest_not_logged_in')
      expect(body.hint).to.include('--wp-app-password-stdin')
    })

    it('reads a login-only site with good credentials (the index is re-read as the user)', async () => {
      withCredentials()
      home(`${SITE}/wp-json/`)
      indexReply(401, wpError('rest_not_logged_in', 'You are not currently logged in.', 401))
      const scope = fakeSite({expectHeaders: {authorization: BASIC}, index: false})
      scope.get('/wp-json/wp/v2/users/me').query(true).reply(200, {id: 1, name: 'admin', slug: 'admin'})
      restGet(scope, PRETTY, '', {_fields: INDEX_FIELDS}).reply(200, INDEX)
      const {stdout, error} = await gather('--json')
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout).post_types).to.deep.equal(EXPECTED_POST_TYPES)
    })

    it('refuses to send credentials over plain http to another host (exit 2), unless --allow-http', async () => {
      withCredentials()
      const http = 'http://wp.example'
      nock(http).get('/').reply(200, homeHtml(), {...HTML, link: `<${http}/wp-json/>; rel="https://api.w.org/"`})
      nock(http).get('/wp-json/').query({_fields: INDEX_FIELDS}).reply(200, INDEX)
      const {stderr, error} = await runCommand(['structure gather', '--wp-url', http])
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.include('Refusing to send the WordPress application password over plain http to wp.example')
      expect(stderr).to.include('--allow-http')

      nock(http).get('/').reply(200, homeHtml(), {...HTML, link: `<${http}/wp-json/>; rel="https://api.w.org/"`})
      nock(http).get('/wp-json/').query({_fields: INDEX_FIELDS}).reply(200, INDEX)
      nock(http, {reqheaders: {authorization: BASIC}}).get('/wp-json/wp/v2/users/me').query(true).reply(401, wpError('rest_not_logged_in', 'You are not currently logged in.', 401))
      const allowed = await runCommand(['structure gather', '--wp-url', http, '--allow-http'])
      expect(allowed.error?.oclif?.exit).to.equal(4)
    })

    it('needs --wp-user with an application password (exit 2)', async () => {
      process.env.IGNY8_WP_APP_PASSWORD = APP_PASSWORD
      const {stderr, error} = await gather()
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.include('needs --wp-user')
    })
  })

  describe('bad input and broken sites', () => {
    it('exits 3 with a hint when no WordPress URL is known', async () => {
      const {stderr, error} = await runCommand(['structure gather'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.include('No WordPress URL')
      expect(stderr).to.include('--wp-url')
    })

    it('exits 2 for a URL that is not http(s)', async () => {
      const {stderr, error} = await runCommand(['structure gather', '--wp-url', 'ftp://wp.example'])
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.include('only http and https')
    })

    it('uses IGNY8_WP_URL', async () => {
      process.env.IGNY8_WP_URL = SITE
      fakeSite()
      const {error} = await runCommand(['structure gather', '--json'])
      expect(error).to.equal(undefined)
    })

    it('exits 5 when the REST API answers HTML everywhere (REST off)', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), HTML)
      nock(SITE).get('/wp-json/').query(true).reply(200, homeHtml(), HTML)
      nock(SITE).get('/').query({rest_route: '/', _fields: INDEX_FIELDS}).reply(200, homeHtml(), HTML)
      const {stdout, error} = await gather('--json')
      expect(error?.oclif?.exit).to.equal(5)
      const body = errorOf(stdout)
      expect(body.code).to.equal('wordpress_rest_unavailable')
      expect(body.message).to.include('runs WordPress 6.1.9 but its REST API does not answer JSON')
    })

    it('exits 5 for a site that is not WordPress', async () => {
      nock(SITE).get('/').reply(200, '<html><body>Static site</body></html>', HTML)
      nock(SITE).get('/wp-json/').query(true).reply(404, 'Not found', {'content-type': 'text/plain'})
      nock(SITE).get('/').query(true).reply(200, '<html><body>Static site</body></html>', HTML)
      const {stdout, error} = await gather('--json')
      expect(error?.oclif?.exit).to.equal(5)
      expect(errorOf(stdout).code).to.equal('not_wordpress')
    })

    it('exits 5 for an unreachable host, without retrying', async () => {
      nock(SITE).get('/').replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND wp.example'), {code: 'ENOTFOUND'}))
      const {stdout, error} = await gather('--json')
      expect(error?.oclif?.exit).to.equal(5)
      expect(errorOf(stdout)).to.deep.include({code: 'wordpress_unreachable', message: 'Cannot reach WordPress: cannot resolve host wp.example.'})
    })

    it('exits 5 with the CA hint for a TLS error', async () => {
      nock(SITE).get('/').replyWithError(Object.assign(new Error('self-signed certificate'), {code: 'DEPTH_ZERO_SELF_SIGNED_CERT'}))
      const {stderr, error} = await gather()
      expect(error?.oclif?.exit).to.equal(5)
      expect(stderr).to.include('TLS certificate problem with wp.example: DEPTH_ZERO_SELF_SIGNED_CERT')
      expect(stderr).to.include('NODE_EXTRA_CA_CERTS')
    })

    it('exits 7 when a JSON answer is not JSON', async () => {
      home(`${SITE}/wp-json/`)
      indexReply()
      restGet(nock(SITE), PRETTY, 'wp/v2/types').reply(200, '<br /><b>Deprecated</b>: something {"post":', {'content-type': 'application/json; charset=UTF-8'})
      restGet(nock(SITE), PRETTY, 'wp/v2/taxonomies').reply(200, TAXONOMIES)
      const {stdout, error} = await gather('--json')
      expect(error?.oclif?.exit).to.equal(7)
      expect(errorOf(stdout).code).to.equal('wordpress_bad_json')
    })

    it('exits 7 when /wp/v2/types has the wrong shape', async () => {
      home(`${SITE}/wp-json/`)
      indexReply()
      restGet(nock(SITE), PRETTY, 'wp/v2/types').reply(200, {post: {name: 'Posts', slug: 'post'}})
      restGet(nock(SITE), PRETTY, 'wp/v2/taxonomies').reply(200, TAXONOMIES)
      const {stdout, error} = await gather('--json')
      expect(error?.oclif?.exit).to.equal(7)
      expect(errorOf(stdout).message).to.match(/^\/wp\/v2\/types answered in an unexpected shape: post\.rest_base: /)
    })

    it('exits 7 when a count comes without X-WP-Total', async () => {
      const scope = fakeSite({skipCounts: true})
      for (const base of Object.keys(COUNTS)) countReply(scope, PRETTY, base, base === 'tags' ? null : COUNTS[base])
      const {stdout, error} = await gather('--json', '--concurrency', '1')
      expect(error?.oclif?.exit).to.equal(7)
      expect(errorOf(stdout)).to.deep.include({code: 'wordpress_missing_total', message: '/wp/v2/tags answered without a usable X-WP-Total header (missing).'})
      nock.cleanAll()
    })
  })

  describe('--source', () => {
    const metadata = {
      success: true,
      data: {
        post_types: {post: {label: 'Posts', count: 123}, page: {label: 'Pages', count: '12'}, attachment: {label: 'Media', count: 3}, private_thing: {label: 'Private things', count: 5}},
        taxonomies: {category: {label: 'Categories', count: 25}, post_tag: {label: 'Tags', count: 102}, post_format: {label: 'Formats', count: 0}},
        generated_at: 1_700_553_600,
        plugin_connection_enabled: true,
        two_way_sync_enabled: false,
      },
      message: 'Site metadata retrieved',
      request_id: 'r-1',
    }
    const withPlugin = {...INDEX, namespaces: [...INDEX.namespaces, 'igny8/v1']}

    it('plugin: reads /igny8/v1/site-metadata/ with the site API key', async () => {
      process.env.IGNY8_API_KEY = API_KEY
      home(`${SITE}/wp-json/`)
      indexReply(200, withPlugin)
      nock(SITE, {reqheaders: {authorization: `Bearer ${API_KEY}`, 'x-igny8-api-key': API_KEY}}).get('/wp-json/igny8/v1/site-metadata/').reply(200, metadata)
      const {stdout, error} = await gather('--source', 'plugin', '--json')
      expect(error).to.equal(undefined)
      const result = JSON.parse(stdout)
      expect(result.post_types).to.deep.equal({
        post: {label: 'Posts', count: 123, enabled: true, fetch_limit: 100},
        page: {label: 'Pages', count: 12, enabled: true, fetch_limit: 100},
        private_thing: {label: 'Private things', count: 5, enabled: false, fetch_limit: 50},
      })
      expect(Object.keys(result.taxonomies)).to.deep.equal(['category', 'post_tag'])
      expect(result).to.deep.include({plugin_connection_enabled: true, two_way_sync_enabled: false, wordpress_version: '6.1.9'})
      expect(result).to.not.have.property('warnings')
      expect(stdout).to.not.include(API_KEY)
    })

    it('plugin: exits 5 with the reason when the plugin is not installed', async () => {
      process.env.IGNY8_API_KEY = API_KEY
      home(`${SITE}/wp-json/`)
      indexReply()
      nock(SITE).get('/wp-json/igny8/v1/site-metadata/').reply(404, wpError('rest_no_route', 'No route was found matching the URL and request method.', 404))
      const {stdout, error} = await gather('--source', 'plugin', '--json')
      expect(error?.oclif?.exit).to.equal(5)
      expect(errorOf(stdout)).to.deep.include({code: 'plugin_not_installed'})
      expect(errorOf(stdout).message).to.include('404 rest_no_route')
    })

    it('plugin: exits 3 without a site API key', async () => {
      home(`${SITE}/wp-json/`)
      indexReply()
      const {stderr, error} = await gather('--source', 'plugin')
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.include('needs the site API key')
    })

    it('auto: falls back to core REST when the plugin rejects the key, and says so', async () => {
      process.env.IGNY8_API_KEY = API_KEY
      fakeSite({index: withPlugin})
      nock(SITE).get('/wp-json/igny8/v1/site-metadata/').reply(401, wpError('rest_forbidden', 'Invalid API key.', 401))
      const {stderr, error} = await gather()
      expect(error).to.equal(undefined)
      expect(stderr).to.include('IGNY8 plugin not used: The IGNY8 plugin')
      expect(stderr).to.include('rejected the site API key (401 rest_forbidden: Invalid API key.)')
      expect(stderr).to.include('Read from core REST')
    })

    it('auto: does not ask the plugin when its namespace is absent', async () => {
      process.env.IGNY8_API_KEY = API_KEY
      fakeSite()
      const {stderr, error} = await gather()
      expect(error).to.equal(undefined)
      expect(stderr).to.include('IGNY8 plugin not used: the IGNY8 plugin is not installed (no igny8/v1 namespace).')
    })

    it('auto: uses the plugin when it answers', async () => {
      process.env.IGNY8_API_KEY = API_KEY
      home(`${SITE}/wp-json/`)
      indexReply(200, withPlugin)
      nock(SITE).get('/wp-json/igny8/v1/site-metadata/').reply(200, metadata)
      const {stderr, error} = await gather()
      expect(error).to.equal(undefined)
      expect(stderr).to.include(`Read from the IGNY8 plugin (REST root ${SITE}/wp-json/): 3 requests`)
    })
  })

  describe('--output', () => {
    let dir: string

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-gather-'))
    })

    afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

    it('writes the payload atomically and nothing else into the folder', async () => {
      fakeSite()
      const file = path.join(dir, 'structure.json')
      fs.writeFileSync(file, 'old')
      const {stdout, stderr, error} = await gather('--output', file, '--json')
      expect(error).to.equal(undefined)
      const written = JSON.parse(fs.readFileSync(file, 'utf8'))
      expect(structurePayloadSchema.safeParse(written).success).to.equal(true)
      expect(written).to.not.have.property('warnings')
      const {warnings: _warnings, ...printed} = JSON.parse(stdout)
      expect(written).to.deep.equal(printed)
      expect(fs.readdirSync(dir)).to.deep.equal(['structure.json'])
      expect(stderr).to.equal('')
    })

    it('exits 2 when the file cannot be written, leaving no temp file', async () => {
      fakeSite()
      const file = path.join(dir, 'missing', 'structure.json')
      const {stderr, error} = await gather('--output', file)
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.include(`Cannot write ${file}`)
      expect(fs.readdirSync(dir)).to.deep.equal([])
    })
  })

  it('answers to the alias gather-structure', async () => {
    fakeSite()
    const {stdout, error} = await runCommand(['gather-structure', '--wp-url', SITE, '--json'])
    expect(error).to.equal(undefined)
    expect(JSON.parse(stdout).post_types.post.count).to.equal(123)
  })

  it('uses the profile\'s WordPress URL and credentials', async () => {
    fs.writeFileSync(
      path.join(process.env.IGNY8_CONFIG_DIR!, 'config.json'),
      JSON.stringify({profiles: {default: {wordpressUrl: SITE, wpUser: 'admin', secrets: {wpAppPassword: APP_PASSWORD}}}}),
      {mode: 0o600},
    )
    fakeSite({expectHeaders: {authorization: BASIC}}).get('/wp-json/wp/v2/users/me').query(true).reply(200, {id: 1, slug: 'admin'})
    const {error} = await runCommand(['structure gather', '--json'])
    expect(error).to.equal(undefined)
  })

  it('keeps count queries published-only for post types', () => {
    expect(countQuery('posts')).to.deep.equal({status: 'publish', per_page: '1', _fields: 'id'})
    expect(countQuery('tags')).to.deep.equal({per_page: '1', _fields: 'id'})
  })
})
