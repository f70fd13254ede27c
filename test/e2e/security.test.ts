/**
 * Secrets and transport, with igny8 run as real processes (built dist) against the sandbox, the real test
 * WordPress and small local servers: no secret in any output (stdout, stderr, --debug traces, error
 * messages, --json, JUnit files) or in process arguments; secret flags refused; credentials never sent
 * over plain http to another machine unless --allow-http; TLS always verified; the profile file 0600 in
 * a 0700 folder after every write, and a readable one warned about.
 *
 * The leak check runs twice: at the end of this suite, and in a root `after` hook once every e2e file
 * has run, over every output test/helpers/cli.ts collected and every secret the suites noted (the
 * sandbox's passwords and keys, WordPress application passwords, and the tokens read back from each
 * profile file).
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {allOutputs, ROOT, tempConfigDir} from '../helpers/cli.js'
import {
  argvLog,
  connected,
  expectFailure,
  expectSuccess,
  fakeWordPress,
  igny8,
  leakedSecrets,
  type LocalServer,
  noteBasicAuth,
  noteProfileSecrets,
  processArguments,
  samplePayload,
  serverPool,
  startBackend,
  tlsProxy,
  usedSecrets,
  waitFor,
} from '../helpers/faults.js'
import {clearFaults, clearRequests, expireTokens, fault, requests, type Sandbox} from '../helpers/sandbox.js'
import {selfSignedCert, type SelfSignedCert} from '../helpers/tls.js'
import {ensureWordPress, type WordPressEnv} from '../helpers/wordpress.js'

/** Not the lab's loopback spelling: igny8 treats it as another machine, yet it reaches 127.0.0.1. */
const elsewhere = (url: string): string => url.replace('//127.0.0.1:', '//[::ffff:127.0.0.1]:')
const JWT_SHAPE = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/
/** The permission bits of a file or folder. */
const mode = (target: string) => fs.statSync(target).mode & 0o777

function assertNoLeak(texts: string[]): void {
  const leaks = leakedSecrets(texts)
  expect(leaks, `secrets leaked: ${leaks.join('; ')}`).to.deep.equal([])
  const jwt = texts.findIndex((text) => JWT_SHAPE.test(text))
  expect(jwt, `a JWT-shaped string in output #${jwt}`).to.equal(-1)
}

// Once every e2e file has run (a root hook): every output of the whole run, every secret noted.
// eslint-disable-next-line mocha/no-top-level-hooks -- a root hook on purpose: it runs after every e2e file, over the outputs of the whole run
after(() => {
  if (usedSecrets.size > 0) assertNoLeak(allOutputs)
  if (process.env.IGNY8_TEST_REPORT_SECRETS) console.log(`leak check: ${usedSecrets.size} secrets, ${allOutputs.length} outputs, ${argvLog.length} argument lists`)
})

describe('e2e security', function () {
  this.timeout(120_000)
  let sb: Sandbox
  let wp: WordPressEnv
  let work: string
  let payloadFile: string
  const {serve, closeAll: closeServers} = serverPool()

  before(async function () {
    this.timeout(900_000)
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'connect.js'))) throw new Error('dist is missing: run `npm run build` first')
    wp = await ensureWordPress()
    noteBasicAuth('WordPress admin application password', wp.WP_ADMIN_USER, wp.WP_APP_PASSWORD)
    noteBasicAuth('WordPress subscriber application password', wp.WP_SUBSCRIBER_USER, wp.WP_SUBSCRIBER_APP_PASSWORD)
    sb = await startBackend(wp.WP_URL)
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-security-'))
    payloadFile = path.join(work, 'structure.json')
    fs.writeFileSync(payloadFile, JSON.stringify(samplePayload()))
  })

  after(async () => {
    await closeServers()
    await sb?.close()
    if (work) fs.rmSync(work, {recursive: true, force: true})
  })

  describe('secrets are never flag values', () => {
    // Deliberately given as an argument, so kept out of usedSecrets (the argv check); checked here instead.
    const secret = 'flag-value-secret-4f8a9c'

    for (const [command, flag] of [
      [['connect', '--email', 'ops@example.com'], '--password'],
      [['connect'], '--api-key'],
      [['connect', '--wp-user', 'admin'], '--wp-app-password'],
      [['structure', 'gather', '--wp-url', 'http://127.0.0.1:9', '--wp-user', 'admin'], '--wp-app-password'],
      [['auth', 'status'], '--token'],
    ] as const) {
      it(`${command.slice(0, 2).join(' ')} refuses ${flag} VALUE and ${flag}=VALUE (exit 2), never echoing the value`, async () => {
        for (const form of [[flag, secret], [`${flag}=${secret}`]]) {
          // eslint-disable-next-line no-await-in-loop -- igny8 processes one at a time: side by side they compete for the CPU under the test's timeout
          const run = await igny8([...command, ...form])
          expectFailure(run, 2, new RegExp(`Nonexistent flag: ${flag}`))
          expect(run.stdout + run.stderr).to.not.include(secret)
        }
      })
    }

    it('every flag of every command that names a secret is a boolean --*-stdin switch', async () => {
      const commandsDir = path.join(ROOT, 'src', 'commands')
      const files = fs.readdirSync(commandsDir, {recursive: true, encoding: 'utf8'}).filter((file) => file.endsWith('.ts'))
      expect(files.length).to.be.at.least(7)
      const offenders: string[] = []
      const modules = (await Promise.all(files.map((file) => import(path.join(commandsDir, file))))) as Array<{default?: {flags?: Record<string, {type: string}>; baseFlags?: Record<string, {type: string}>}}>
      for (const [i, {default: command}] of modules.entries()) {
        const file = files[i]
        for (const [name, flag] of Object.entries({...command?.baseFlags, ...command?.flags})) {
          const secretish = /pass|secret|token|key/i.test(name) && name !== 'api-key-scheme'
          if (secretish && !(flag.type === 'boolean' && name.endsWith('-stdin'))) offenders.push(`${file}: --${name}`)
        }
      }

      expect(offenders).to.deep.equal([])
    })

    it('a running igny8 holds no secret in its command line (/proc/PID/cmdline)', async () => {
      const dir = tempConfigDir()
      await fault(sb, {path: 'auth/login', hang: true})
      let pid = 0
      const running = igny8(['connect', '--email', sb.credentials.email, '--password-stdin'], {
        configDir: dir,
        input: sb.credentials.password,
        env: {IGNY8_API_URL: sb.apiUrl, IGNY8_HTTP_TIMEOUT_MS: '3000', IGNY8_HTTP_RETRIES: '0'},
        onSpawn(child) {
          pid = child.pid ?? 0
        },
      })
      await waitFor('the login request', async () => (await requests(sb, 'auth/login')).some((entry) => entry.fault === 'hang'))
      const args = processArguments(pid)
      expect(args.join(' ')).to.include('connect')
      for (const [label, value] of usedSecrets) expect(args.join(' ').includes(value), label).to.equal(false)
      expectFailure(await running, 6, /did not answer in time/)
    })
  })

  describe('credentials over plain http', () => {
    it('connect refuses an http API URL on another host before any connection (exit 2)', async () => {
      const started = Date.now()
      const run = await igny8(['connect', '--email', 'ops@example.com', '--password-stdin', '--api-url', 'http://igny8.invalid/api/v1'], {input: sb.credentials.password})
      expectFailure(run, 2, /Refusing to send IGNY8 credentials over plain http to igny8\.invalid/)
      expect(run.stderr).to.match(/Hint: .*--allow-http/)
      expect(run.stderr, 'no DNS lookup was tried').to.not.match(/resolve|ENOTFOUND|EAI_AGAIN/)
      expect(Date.now() - started).to.be.below(15_000)
    })

    it('…and the backend never hears of it (the sandbox under a non-loopback name)', async () => {
      await clearRequests(sb)
      const run = await igny8(['connect', '--email', sb.credentials.email, '--password-stdin', '--api-url', elsewhere(sb.apiUrl)], {input: sb.credentials.password})
      expectFailure(run, 2, /Refusing to send IGNY8 credentials over plain http/)
      expect(await requests(sb)).to.deep.equal([])
    })

    it('--allow-http is the explicit override', async () => {
      await clearRequests(sb)
      const dir = tempConfigDir()
      const run = await igny8(['connect', '--email', sb.credentials.email, '--password-stdin', '--api-url', elsewhere(sb.apiUrl), '--allow-http', '--json'], {
        configDir: dir,
        input: sb.credentials.password,
      })
      noteProfileSecrets(dir)
      expectSuccess(run)
      expect((await requests(sb)).length).to.be.greaterThan(0)
    })

    it('stored credentials are not sent to an http API URL from the environment either', async () => {
      const dir = tempConfigDir()
      await connected(sb, dir)
      await clearRequests(sb)
      const run = await igny8(['content-types', 'show'], {configDir: dir, env: {IGNY8_API_URL: elsewhere(sb.apiUrl)}})
      expectFailure(run, 2, /Refusing to send IGNY8 credentials over plain http/)
      expect(await requests(sb)).to.deep.equal([])
    })

    it('a WordPress application password is not sent to an http site on another host', async () => {
      const site = await serve(fakeWordPress({users: {admin: wp.WP_APP_PASSWORD}}))
      const run = await igny8(['structure', 'gather', '--wp-url', elsewhere(site.url), '--wp-user', 'admin', '--wp-app-password-stdin'], {input: wp.WP_APP_PASSWORD})
      expectFailure(run, 2, /Refusing to send the WordPress application password over plain http/)
      expect(site.seen.filter((request) => request.authorization)).to.deep.equal([])

      const allowed = await igny8(['structure', 'gather', '--wp-url', elsewhere(site.url), '--wp-user', 'admin', '--wp-app-password-stdin', '--allow-http'], {
        input: wp.WP_APP_PASSWORD,
      })
      expectSuccess(allowed)
      expect(site.seen.some((request) => request.authorization?.startsWith('Basic '))).to.equal(true)
    })

    it('the site API key is not sent to the IGNY8 plugin over http on another host', async () => {
      const site = await serve(fakeWordPress())
      const key = sb.credentials.sites[0]!.apiKey
      const plugin = await igny8(['structure', 'gather', '--wp-url', elsewhere(site.url), '--source', 'plugin'], {env: {IGNY8_API_KEY: key}})
      expectFailure(plugin, 2, /Refusing to send the site API key over plain http/)
      const auto = await igny8(['structure', 'gather', '--wp-url', elsewhere(site.url)], {env: {IGNY8_API_KEY: key}})
      expectSuccess(auto)
      expect(auto.stderr).to.include('not sent over plain http')
      expect(site.seen.filter((request) => request.authorization || request.apiKey)).to.deep.equal([])
    })
  })

  describe('TLS is always verified', () => {
    let cert: SelfSignedCert
    let backend: LocalServer

    before(async () => {
      cert = selfSignedCert()
      backend = await serve(tlsProxy(sb.url), cert)
    })

    after(() => cert?.remove())

    const connectTls = (env: NodeJS.ProcessEnv, configDir = tempConfigDir()) =>
      igny8(['connect', '--email', sb.credentials.email, '--password-stdin', '--api-url', `${backend.url}/api/v1`], {configDir, input: sb.credentials.password, env})

    it('a backend with a self-signed certificate: exit 6, NODE_EXTRA_CA_CERTS hint, and the password never sent', async () => {
      await clearRequests(sb)
      const run = await connectTls({})
      expectFailure(run, 6, /TLS certificate problem/)
      expect(run.stderr).to.match(/Hint: .*NODE_EXTRA_CA_CERTS/)
      expect(await requests(sb)).to.deep.equal([])
    })

    it('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off', async () => {
      await clearRequests(sb)
      const run = await connectTls({NODE_TLS_REJECT_UNAUTHORIZED: '0'})
      expect(run.code).to.equal(6)
      expect(run.stderr).to.include('TLS certificate problem')
      expect(await requests(sb)).to.deep.equal([])
    })

    it('there is no flag to skip verification', async () => {
      for (const flag of ['--insecure', '--no-verify', '--skip-tls-verify', '--tls-verify=false']) {
        // eslint-disable-next-line no-await-in-loop -- igny8 processes one at a time: side by side they compete for the CPU under the test's timeout
        const run = await igny8(['content-types', 'show', flag])
        expectFailure(run, 2, /Nonexistent flag/)
      }
    })

    it('with NODE_EXTRA_CA_CERTS pointing at the certificate: connects', async () => {
      const dir = tempConfigDir()
      const run = await connectTls({NODE_EXTRA_CA_CERTS: cert.certFile}, dir)
      noteProfileSecrets(dir)
      expectSuccess(run)
    })
  })

  describe('the profile file', () => {
    let dir: string
    const file = () => path.join(dir, 'config.json')

    beforeEach(async () => {
      dir = tempConfigDir()
      fs.chmodSync(dir, 0o755)
      await connected(sb, dir)
    })

    it('is 0600 in a 0700 folder after connect', () => {
      expect(mode(file())).to.equal(0o600)
      expect(mode(dir)).to.equal(0o700)
    })

    it('a world-readable file is warned about (stderr, or warnings under --json)', async () => {
      fs.chmodSync(file(), 0o644)
      const run = await igny8(['content-types', 'show'], {configDir: dir})
      expectSuccess(run)
      expect(run.stderr).to.match(/Warning: .*config\.json is readable by other users \(mode 644\); run: chmod 600/)
      const json = await igny8(['content-types', 'show', '--json'], {configDir: dir})
      expectSuccess(json)
      expect(json.json().warnings.join('\n')).to.include('readable by other users')
    })

    it('modes are put back on every write: a token refresh', async () => {
      fs.chmodSync(file(), 0o644)
      fs.chmodSync(dir, 0o755)
      await expireTokens(sb, 'access')
      const run = await igny8(['content-types', 'show'], {configDir: dir})
      noteProfileSecrets(dir)
      expectSuccess(run)
      expect(mode(file())).to.equal(0o600)
      expect(mode(dir)).to.equal(0o700)
    })

    it('modes are put back on every write: a logout, a second profile', async () => {
      fs.chmodSync(file(), 0o666)
      expectSuccess(await igny8(['auth', 'logout'], {configDir: dir}))
      expect(mode(file())).to.equal(0o600)
      fs.chmodSync(file(), 0o640)
      fs.chmodSync(dir, 0o777)
      await connected(sb, dir, {profile: 'second', as: 'api-key'})
      expect(mode(file())).to.equal(0o600)
      expect(mode(dir)).to.equal(0o700)
    })
  })

  describe('secrets in traces, errors and results', () => {
    let dir: string

    afterEach(async () => clearFaults(sb))

    before(async () => {
      dir = tempConfigDir()
      await connected(sb, dir, {extra: ['--wp-user', wp.WP_ADMIN_USER], env: {IGNY8_WP_APP_PASSWORD: wp.WP_APP_PASSWORD}})
    })

    it('--debug traces of several commands mask every credential', async () => {
      const debugDir = tempConfigDir()
      const runs = [
        await igny8(['connect', '--email', sb.credentials.email, '--password-stdin', '--debug', '--json'], {configDir: debugDir, input: sb.credentials.password, env: {IGNY8_API_URL: sb.apiUrl}}),
        await igny8(['connect', '--api-key-stdin', '--profile', 'key', '--debug'], {configDir: debugDir, input: sb.credentials.sites[0]!.apiKey, env: {IGNY8_API_URL: sb.apiUrl}}),
      ]
      noteProfileSecrets(debugDir)
      await expireTokens(sb, 'access')
      runs.push(
        await igny8(['auth', 'status', '--all', '--debug'], {configDir: debugDir}),
        await igny8(['content-types', 'show', '--debug'], {configDir: debugDir}),
        await igny8(['structure', 'push', '--from-file', payloadFile, '--debug', '--json'], {configDir: debugDir}),
        await igny8(['content-types', 'show', '--profile', 'key', '--debug', '--json'], {configDir: debugDir}),
        await igny8(['structure', 'gather', '--wp-url', wp.WP_URL, '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin', '--debug'], {input: wp.WP_APP_PASSWORD}),
        await igny8(['structure', 'gather', '--wp-url', wp.WP_URL, '--debug'], {env: {IGNY8_WP_USER: wp.WP_ADMIN_USER, IGNY8_WP_APP_PASSWORD: wp.WP_APP_PASSWORD}}),
      )
      noteProfileSecrets(debugDir)
      for (const run of runs) expectSuccess(run)
      const traces = runs.map((run) => run.stderr)
      expect(traces.every((trace) => trace.includes('[debug]')), 'every run traced').to.equal(true)
      const all = traces.join('\n')
      expect(all).to.include('[authorization: Bearer ***]')
      expect(all).to.include('[authorization: Basic ***]')
      expect(all).to.match(/auth\/refresh\/ → 200/)
      assertNoLeak(runs.flatMap((run) => [run.stdout, run.stderr]))
    })

    it('a server that echoes the credential in its error message: masked in the error, --json and --debug', async () => {
      const keyDir = tempConfigDir()
      await connected(sb, keyDir, {as: 'api-key'})
      const key = sb.credentials.sites[0]!.apiKey
      await fault(sb, {path: 'content-types', status: 401, body: {success: false, error: `Invalid API key ${key} (Bearer ${key})`}, times: 20})
      const human = await igny8(['content-types', 'show'], {configDir: keyDir})
      expectFailure(human, 4, /rejected the site API key/)
      expect(human.stderr).to.include('***')
      const json = await igny8(['content-types', 'show', '--json'], {configDir: keyDir})
      expect(json.json().error.message).to.include('***')
      const debug = await igny8(['content-types', 'show', '--debug'], {configDir: keyDir})
      expect(debug.code).to.equal(4)
      assertNoLeak([human.stderr, json.stdout, debug.stderr])
    })

    it('a WordPress that echoes the Authorization header back: masked', async () => {
      const site = await serve(
        fakeWordPress({
          override(req, res, route) {
            if (route !== '/wp/v2/users/me') return false
            res.writeHead(401, {'content-type': 'application/json'})
            res.end(JSON.stringify({code: 'rest_forbidden', message: `Bad header: ${req.headers.authorization}`, data: {status: 401}}))
            return true
          },
        }),
      )
      const run = await igny8(['structure', 'gather', '--wp-url', site.url, '--wp-user', 'admin', '--wp-app-password-stdin'], {input: wp.WP_APP_PASSWORD})
      expectFailure(run, 4, /Basic \*\*\*/)
    })

    it('--json results never carry a secret', async () => {
      const runs = [
        await igny8(['auth', 'status', '--json'], {configDir: dir}),
        await igny8(['auth', 'status', '--all', '--json'], {configDir: dir}),
        await igny8(['content-types', 'show', '--json'], {configDir: dir}),
      ]
      for (const run of runs) expectSuccess(run)
      assertNoLeak(runs.map((run) => run.stdout))
    })

    it('JUnit files of `integration check` carry no secret (when that command is built)', async function () {
      if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'integration', 'check.js'))) this.skip()
      const junit = path.join(work, 'junit.xml')
      const run = await igny8(['integration', 'check', '--junit', junit, '--debug'], {configDir: dir})
      expect(run.code, run.stderr).to.be.oneOf([0, 1])
      const xml = fs.readFileSync(junit, 'utf8')
      expect(xml).to.include('<testsuite')
      allOutputs.push(xml)
      assertNoLeak([xml, run.stdout, run.stderr])
    })
  })

  // Last (a suite's own tests run before its nested suites): everything above has produced its output.
  describe('at the end', () => {
    it('no igny8 process in this run was given a secret as an argument', () => {
      expect(argvLog.length).to.be.greaterThan(10)
      const flat = argvLog.map((args) => args.join(' '))
      const leaks = [...usedSecrets].filter(([, value]) => flat.some((line) => line.includes(value))).map(([label]) => label)
      expect(leaks).to.deep.equal([])
    })

    it('no secret in any output of this run so far', () => {
      expect(usedSecrets.size, 'secrets checked').to.be.greaterThan(8)
      expect(allOutputs.length).to.be.greaterThan(40)
      assertNoLeak(allOutputs)
    })
  })
})
