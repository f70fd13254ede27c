/**
 * WordPress misbehaving, with `igny8 structure gather` run as a real process (built dist): against the
 * real test WordPress from scripts/wordpress.sh switched into its REST modes and permalink forms, and
 * against small local servers for what a real site cannot be made to do on demand (a closed port, a site
 * that is not WordPress, a self-signed certificate, a redirect loop, an enormous, malformed or silent
 * /wp/v2/types). Each failure: the spec's exit code, one `Error:` line, no stack trace.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {type CliOptions, type CliRun, ROOT} from '../helpers/cli.js'
import {
  closedPort,
  expectFailure,
  expectJsonFailure,
  expectSuccess,
  FAKE_WP_COUNTS,
  fakeWordPress,
  igny8,
  type LocalServer,
  memoryProbe,
  noteBasicAuth,
  notWordPress,
  serverPool,
} from '../helpers/faults.js'
import {selfSignedCert, type SelfSignedCert} from '../helpers/tls.js'
import {ensureWordPress, withPermalinks, withRestMode, type WordPressEnv} from '../helpers/wordpress.js'

const WRONG_APP_PASSWORD = 'AbCd EfGh IjKl MnOp QrSt UvWx'

/** `igny8 structure gather`: one retry and a 5 s timeout, so that a fault is seen quickly. */
const gather = (args: string[], options: {input?: string; env?: NodeJS.ProcessEnv; onSpawn?: CliOptions['onSpawn']} = {}): Promise<CliRun> =>
  igny8(['structure', 'gather', ...args], {input: options.input, onSpawn: options.onSpawn, env: {IGNY8_HTTP_RETRIES: '1', IGNY8_HTTP_TIMEOUT_MS: '5000', ...options.env}})

/** 50 MB of one JSON document, streamed in 1 MiB chunks (chunked: no Content-Length to go by). */
const enormous = (res: import('node:http').ServerResponse, withLength: boolean): void => {
  const chunk = Buffer.alloc(1024 * 1024, 'x')
  const head = Buffer.from('{"post":{"name":"Posts","slug":"post","rest_base":"posts","description":"')
  const tail = Buffer.from('"}}')
  const chunks = 50
  res.writeHead(200, {'content-type': 'application/json', ...(withLength ? {'content-length': String(head.length + chunks * chunk.length + tail.length)} : {})})
  res.write(head)
  let sent = 0
  const next = (): void => {
    while (sent < chunks) {
      sent += 1
      if (res.destroyed) return
      if (!res.write(chunk)) {
        res.once('drain', next)
        return
      }
    }

    res.end(tail)
  }

  next()
}

describe('e2e faults: WordPress', function () {
  this.timeout(120_000)
  let wp: WordPressEnv
  const {serve, closeAll: closeServers} = serverPool()
  /** A fake WordPress whose /wp/v2/types is answered by `answer`. */
  const withTypes = (answer: (res: import('node:http').ServerResponse) => void) =>
    serve(
      fakeWordPress({
        override(_req, res, route) {
          if (route !== '/wp/v2/types') return false
          answer(res)
          return true
        },
      }),
    )

  before(async function () {
    this.timeout(900_000)
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'structure', 'gather.js'))) throw new Error('dist is missing: run `npm run build` first')
    wp = await ensureWordPress()
    noteBasicAuth('WordPress admin application password', wp.WP_ADMIN_USER, wp.WP_APP_PASSWORD)
    noteBasicAuth('WordPress subscriber application password', wp.WP_SUBSCRIBER_USER, wp.WP_SUBSCRIBER_APP_PASSWORD)
    noteBasicAuth('wrong application password', wp.WP_ADMIN_USER, WRONG_APP_PASSWORD)
    if (wp.WP_ADMIN_PASSWORD) noteBasicAuth('WordPress admin login password', wp.WP_ADMIN_USER, wp.WP_ADMIN_PASSWORD)
  })

  after(async () => {
    await closeServers()
  })

  describe('unreachable or not WordPress', () => {
    it('a closed port: exit 5, connection refused, at once', async () => {
      const started = Date.now()
      const run = await gather(['--wp-url', `http://127.0.0.1:${await closedPort()}`])
      expectFailure(run, 5, /Cannot reach WordPress: connection refused/)
      expect(Date.now() - started, 'a refused connection is not retried').to.be.below(10_000)
    })

    it('a site that is not WordPress (HTML everywhere): exit 5, says what was tried', async () => {
      const site = await serve(notWordPress)
      const run = await gather(['--wp-url', site.url])
      expectFailure(run, 5, /No WordPress REST API found/, /wp-json/, /rest_route/)
    })

    it('a redirect loop: exit 5', async () => {
      const site = await serve((req, res) => {
        res.writeHead(302, {location: req.url === '/a/' ? '/b/' : '/a/'})
        res.end()
      })
      const run = await gather(['--wp-url', `${site.url}/a/`])
      expectFailure(run, 5, /redirects in a loop/)
      expect(site.seen.length, 'gave up after a bounded number of hops').to.be.within(5, 30)
    })

    it('a site that never answers: timeout, exit 5', async () => {
      const site = await serve(() => {
        // Never answer.
      })
      const started = Date.now()
      const run = await gather(['--wp-url', site.url], {env: {IGNY8_HTTP_TIMEOUT_MS: '1000', IGNY8_HTTP_RETRIES: '0'}})
      expectFailure(run, 5, /did not answer in time/)
      expect(Date.now() - started).to.be.below(15_000)
    })
  })

  describe('the real WordPress in its REST modes', () => {
    it('REST disabled (rest-mode off: HTML 200 where JSON should be): exit 5', async () => {
      const run = await withRestMode('off', () => gather(['--wp-url', wp.WP_URL]))
      expectFailure(run, 5, /runs WordPress 6\.\d+(\.\d+)? but its REST API does not answer JSON/)
    })

    it('login-required REST (rest-mode auth), anonymous: exit 5 with the WordPress code', async () => {
      const run = await withRestMode('auth', () => gather(['--wp-url', wp.WP_URL]))
      expectFailure(run, 5, /requires login/, /rest_not_logged_in/)
      expect(run.stderr).to.include('--wp-app-password-stdin')
    })

    it('login-required REST with a wrong application password: exit 4', async () => {
      const run = await withRestMode('auth', () => gather(['--wp-url', wp.WP_URL, '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], {input: WRONG_APP_PASSWORD}))
      expectFailure(run, 4, /WordPress rejected the credentials of user "admin"/)
    })

    it('login-required REST with the right application password: works', async () => {
      const run = await withRestMode('auth', () => gather(['--wp-url', wp.WP_URL, '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin', '--json'], {input: wp.WP_APP_PASSWORD}))
      expectSuccess(run)
      expect(run.json().post_types.post.count).to.equal(Number(wp.EXPECT_POSTS))
    })

    it('a wrong application password that stock WordPress silently ignores (rest-mode on) is detected: exit 4', async () => {
      const run = await gather(['--wp-url', wp.WP_URL, '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], {input: WRONG_APP_PASSWORD})
      expectFailure(run, 4, /rejected the credentials/, /rest_not_logged_in/)
    })

    it('the login password instead of an application password (rest-mode strict): exit 4', async function () {
      if (!wp.WP_ADMIN_PASSWORD) this.skip()
      const run = await withRestMode('strict', () => gather(['--wp-url', wp.WP_URL, '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], {input: wp.WP_ADMIN_PASSWORD}))
      expectFailure(run, 4, /incorrect_password/)
      expect(run.stderr).to.match(/Hint: Use an application password/)
    })

    it('plain permalinks (/wp-json/ is the HTML home page): works through ?rest_route=', async () => {
      const run = await withPermalinks('plain', () => gather(['--wp-url', wp.WP_URL, '--json']))
      expectSuccess(run)
      const result = run.json()
      expect(result.post_types.post.count).to.equal(Number(wp.EXPECT_POSTS))
      expect(result.taxonomies.post_tag.count).to.equal(Number(wp.EXPECT_TAGS))
    })
  })

  describe('TLS', () => {
    let cert: SelfSignedCert
    let site: LocalServer

    before(async () => {
      cert = selfSignedCert()
      site = await serve(fakeWordPress(), cert)
    })

    after(() => cert?.remove())

    it('a self-signed certificate: exit 5 with the NODE_EXTRA_CA_CERTS hint', async () => {
      const run = await gather(['--wp-url', site.url])
      expectFailure(run, 5, /TLS certificate problem/, /SELF_SIGNED/)
      expect(run.stderr).to.match(/Hint: .*NODE_EXTRA_CA_CERTS/)
    })

    it('with NODE_EXTRA_CA_CERTS pointing at the certificate: works', async () => {
      const run = await gather(['--wp-url', site.url, '--json'], {env: {NODE_EXTRA_CA_CERTS: cert.certFile}})
      expectSuccess(run)
      const result = run.json()
      expect(result.post_types.post.count).to.equal(FAKE_WP_COUNTS.post)
      expect(result.taxonomies.category.count).to.equal(FAKE_WP_COUNTS.category)
      expect(result.site_url).to.equal(site.url)
    })
  })

  describe('/wp/v2/types answers', () => {
    let baselineMiB = 0

    before(async () => {
      const site = await serve(fakeWordPress())
      const probe = memoryProbe()
      const run = await gather(['--wp-url', site.url], {onSpawn: probe.onSpawn})
      expectSuccess(run)
      baselineMiB = probe.peakMiB
    })

    for (const withLength of [false, true]) {
      it(`an enormous (50 MB${withLength ? ', with Content-Length' : ', chunked'}) answer: exit 7, no crash, bounded memory`, async () => {
        const site = await withTypes((res) => enormous(res, withLength))
        const probe = memoryProbe()
        const run = await gather(['--wp-url', site.url], {onSpawn: probe.onSpawn})
        expectFailure(run, 7, /larger than 16 MiB/, /wp\/v2\/types/)
        expect(probe.peakMiB, `peak RSS ${probe.peakMiB} MiB vs ${baselineMiB} MiB for a normal gather`).to.be.below(baselineMiB + 60)
      })
    }

    it('malformed (cut short) JSON: exit 7', async () => {
      const site = await withTypes((res) => {
        res.writeHead(200, {'content-type': 'application/json'})
        res.end('{"post":{"name":"Posts","slug":"post","rest_')
      })
      const run = await gather(['--wp-url', site.url])
      expectFailure(run, 7, /\/wp\/v2\/types/, /not JSON/)
    })

    it('a PHP notice printed before the JSON: exit 7', async () => {
      const site = await withTypes((res) => {
        res.writeHead(200, {'content-type': 'application/json'})
        res.end('<br />\n<b>Notice</b>: Undefined index: foo in <b>/var/www/wp-content/plugins/x.php</b><br />\n{"post":{}}')
      })
      const run = await gather(['--wp-url', site.url])
      expectFailure(run, 7, /not JSON/)
      expect(run.stderr).to.match(/Hint: .*PHP/)
    })

    it('JSON of the wrong shape (a list, not an object keyed by slug): exit 7', async () => {
      const site = await withTypes((res) => {
        res.writeHead(200, {'content-type': 'application/json'})
        res.end(JSON.stringify([{name: 'Posts', slug: 'post'}]))
      })
      const run = await gather(['--wp-url', site.url])
      expectFailure(run, 7, /\/wp\/v2\/types answered in an unexpected shape/)
    })

    it('an HTML error page from a cache in front: exit 5', async () => {
      const site = await withTypes((res) => {
        res.writeHead(503, {'content-type': 'text/html'})
        res.end('<html><body>Service Unavailable</body></html>')
      })
      const run = await gather(['--wp-url', site.url])
      expectFailure(run, 5, /\/wp\/v2\/types answered 503 text\/html instead of JSON/)
    })

    it('a collection without X-WP-Total (stripped by a proxy): exit 7 with a hint', async () => {
      const site = await serve(
        fakeWordPress({
          override(_req, res, route) {
            if (route !== '/wp/v2/posts') return false
            res.writeHead(200, {'content-type': 'application/json'})
            res.end('[{"id":1}]')
            return true
          },
        }),
      )
      const run = await gather(['--wp-url', site.url])
      expectFailure(run, 7, /X-WP-Total/)
    })

    it('--json: a WordPress failure is one error document', async () => {
      const run = await gather(['--wp-url', `http://127.0.0.1:${await closedPort()}`, '--json'])
      const error = expectJsonFailure(run, 5)
      expect(error.code).to.equal('wordpress_unreachable')
    })
  })
})
