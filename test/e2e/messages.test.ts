/**
 * "Every message leads somewhere", with igny8 run as a real process (built dist) against the sandbox and
 * small local servers: error lines that name the real problem (https:// on a plain-http port, a hidden
 * /wp/v2/users/me, a bad --from-file, a 2xx answer holding none of the fields a command needs) instead
 * of misleading or leaking internals, and the IGNY8_DEBUG=body trace: request ids on every line, request
 * and response bodies with every secret masked.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type CliRun, ROOT, tempConfigDir} from '../helpers/cli.js'
import {
  connected,
  expectFailure,
  expectJsonFailure,
  expectSuccess,
  fakeWordPress,
  igny8,
  leakedSecrets,
  noteBasicAuth,
  noteProfileSecrets,
  samplePayload,
  serverPool,
  startBackend,
} from '../helpers/faults.js'
import {clearFaults, clearRequests, fault, patchIntegration, requests, type Sandbox} from '../helpers/sandbox.js'

/** One retry and a 5 s timeout, so that a fault is seen quickly. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({IGNY8_HTTP_RETRIES: '1', IGNY8_HTTP_TIMEOUT_MS: '5000', ...extra})
/** Not the loopback spelling: igny8 treats it as another machine, yet it reaches 127.0.0.1. */
const elsewhere = (url: string): string => url.replace('//127.0.0.1:', '//[::ffff:127.0.0.1]:')
const escape = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)
const JWT_SHAPE = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/
const APP_PASSWORD = 'Mess Ages Lead Some Wher e123'

function expectNoSecret(runs: CliRun[]): void {
  const texts = runs.flatMap((run) => [run.stdout, run.stderr])
  expect(leakedSecrets(texts), 'secrets leaked').to.deep.equal([])
  expect(texts.some((text) => JWT_SHAPE.test(text)), 'a JWT-shaped string').to.equal(false)
}

/** Every stderr line is one of the error block's lines: a message never spills over a second line. */
function expectOneLineError(run: CliRun): void {
  const lines = run.stderr.trimEnd().split('\n')
  const stray = lines.filter((line) => !/^(Error|Hint|Request id): /.test(line))
  expect(stray, `stderr lines outside Error:/Hint:/Request id:\n${run.stderr}`).to.deep.equal([])
}

describe('e2e messages: every message leads somewhere', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let configDir: string
  let integrationId: number
  let work: string
  const {serve, closeAll: closeServers} = serverPool()
  const push = (file: string): Promise<CliRun> => igny8(['structure', 'push', '--from-file', file], {configDir, env: env()})
  const show = (args: string[] = []): Promise<CliRun> => igny8(['content-types', 'show', ...args], {configDir, env: env()})
  const write = (name: string, content: string): string => {
    const file = path.join(work, name)
    fs.writeFileSync(file, content)
    return file
  }

  const debugEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => env({IGNY8_DEBUG: 'body', IGNY8_API_URL: sb.apiUrl, ...extra})
  /** Each API request the sandbox answered is traced with its request id. */
  async function expectRequestIds(run: CliRun): Promise<void> {
    const log = await requests(sb)
    expect(log.length, 'requests made').to.be.greaterThan(0)
    for (const entry of log) expect(run.stderr, `${entry.method} ${entry.path}`).to.include(`[request id: ${entry.requestId}]`)
  }

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'structure', 'push.js'))) throw new Error('dist is missing: run `npm run build` first')
    sb = await startBackend('http://127.0.0.1:8089')
    integrationId = sb.credentials.sites[0]!.integrationId!
    configDir = tempConfigDir()
    await connected(sb, configDir)
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-messages-'))
    noteBasicAuth('messages test application password', 'admin', APP_PASSWORD)
  })

  after(async () => {
    await closeServers()
    await sb?.close()
    if (work) fs.rmSync(work, {recursive: true, force: true})
  })

  beforeEach(async () => {
    await clearFaults(sb)
    await clearRequests(sb)
    await patchIntegration(sb, integrationId, {content_types: null})
  })

  describe('https:// on a port that speaks plain HTTP', () => {
    it('WordPress: exit 5, "this port speaks plain HTTP, not TLS", the http:// URL as the hint — no certificate advice', async () => {
      const site = await serve(fakeWordPress())
      const run = await igny8(['structure', 'gather', '--wp-url', `https://127.0.0.1:${site.port}`], {env: env()})
      expectFailure(run, 5, new RegExp(`Cannot reach WordPress: https://127\\.0\\.0\\.1:${site.port} cannot work: this port speaks plain HTTP, not TLS\\.$`))
      expect(run.stderr).to.include(`Hint: Use http://127.0.0.1:${site.port} instead of https://`)
      expect(run.stderr).to.not.match(/certificate|NODE_EXTRA_CA_CERTS|EPROTO/)
    })

    it('WordPress on another host: the hint names --allow-http', async () => {
      const site = await serve(fakeWordPress())
      const run = await igny8(['structure', 'gather', '--wp-url', elsewhere(`https://127.0.0.1:${site.port}`)], {env: env()})
      expectFailure(run, 5, /this port speaks plain HTTP, not TLS/)
      expect(run.stderr).to.match(/Hint: Use http:\/\/\S+ with --allow-http/)
    })

    it('the IGNY8 API: exit 6 with the same words, and the password is not sent', async () => {
      const apiUrl = sb.apiUrl.replace('http://', 'https://')
      const run = await igny8(['connect', '--email', sb.credentials.email, '--password-stdin', '--api-url', apiUrl], {configDir: tempConfigDir(), input: sb.credentials.password, env: env()})
      expectFailure(run, 6, /IGNY8 backend unreachable: https:\/\/127\.0\.0\.1:\d+ cannot work: this port speaks plain HTTP, not TLS\./)
      expect(run.stderr).to.match(/Hint: Use http:\/\/127\.0\.0\.1:\d+ instead of https:\/\//)
      expect(run.stderr).to.not.match(/certificate|EPROTO/)
      expect(await requests(sb), 'nothing reached the API').to.deep.equal([])
    })
  })

  describe('WordPress hides /wp/v2/users/me (a security plugin)', () => {
    it('404 rest_no_route: exit 5 naming the code and the likely cause, never "unexpected shape"', async () => {
      const site = await serve(
        fakeWordPress({
          users: {admin: APP_PASSWORD},
          override(_req, res, route) {
            if (route !== '/wp/v2/users/me') return false
            res.writeHead(404, {'content-type': 'application/json; charset=UTF-8'})
            res.end(JSON.stringify({code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: {status: 404}}))
            return true
          },
        }),
      )
      const run = await igny8(['structure', 'gather', '--wp-url', site.url, '--wp-user', 'admin', '--wp-app-password-stdin'], {input: APP_PASSWORD, env: env()})
      expectFailure(run, 5, /\/wp\/v2\/users\/me/, /404 rest_no_route/, /application password of user "admin" cannot be verified/)
      expect(run.stderr).to.not.include('unexpected shape')
      expect(run.stderr).to.match(/Hint: A security plugin usually hides the users endpoint\. Read the site anonymously .*allow \/wp\/v2\/users\/me/)
    })
  })

  describe('structure push --from-file: one line naming the file and the problem', () => {
    it('a missing file: "no such file", not ENOENT', async () => {
      const missing = path.join(work, 'missing.json')
      const run = await push(missing)
      expectFailure(run, 2, new RegExp(`^Error: Cannot read the structure file ${escape(missing)}: no such file\\.$`))
      expect(run.stderr).to.not.include('ENOENT')
      expectOneLineError(run)
    })

    it('text that is not JSON, over several lines: the parser\'s words on one line, with the line', async () => {
      const file = write('notes.json', 'hello\nworld\n')
      const run = await push(file)
      expectFailure(run, 2, new RegExp(`^Error: The structure in ${escape(file)} is not valid JSON: Unexpected token 'h' at line 1, column 1\\.$`))
      expectOneLineError(run)
    })

    it('a trailing comma on line 3: names line 3', async () => {
      const file = write('comma.json', '{\n  "post_types": {},\n}\n')
      const run = await push(file)
      expectFailure(run, 2, /is not valid JSON: .* at line 3, column 1\.$/)
      expectOneLineError(run)
    })

    it('an empty file says so', async () => {
      const run = await push(write('empty.json', '\n'))
      expectFailure(run, 2, /is not valid JSON: the file is empty\.$/)
      expectOneLineError(run)
    })

    it('an invalid structure: the field path and the issue, one line', async () => {
      const base = samplePayload()
      const file = write('invalid.json', JSON.stringify({...base, taxonomies: {'Bad\nSlug': {label: 'x', count: 1, enabled: true, fetch_limit: 1}}}, null, 2))
      const run = await push(file)
      expectFailure(run, 2, /Invalid structure in \S+: taxonomies\["Bad\\nSlug"\]: not a WordPress slug/)
      expectOneLineError(run)
      expect(await requests(sb), 'nothing sent').to.deep.equal([])
    })
  })

  describe('a 2xx answer holding none of the fields a command needs', () => {
    it('content-types answering only {"detail": "Maintenance"}: exit 7 quoting it, never "nothing stored yet"', async () => {
      await fault(sb, {path: 'content-types', status: 200, body: {detail: 'Maintenance'}})
      const run = await show()
      expectFailure(run, 7, /unexpected shape/, /holds none of post_types, taxonomies, last_structure_fetch/, /it said: "Maintenance"\.$/)
      expect(run.stderr).to.not.include('holds no site structure')
    })

    it('content-types answering {"success": true, "data": {}} (with a request id): exit 7, the request id shown', async () => {
      await fault(sb, {path: 'content-types', status: 200})
      const run = await show()
      expectFailure(run, 7, /unexpected shape/, /it held an empty object/)
      const [entry] = await requests(sb, 'content-types')
      expect(run.stderr).to.include(`Request id: ${entry!.requestId}`)
    })

    it('a long message is cut, kept on one line, and a key in it masked; --json carries the same', async () => {
      const key = sb.credentials.sites[0]!.apiKey
      await fault(sb, {path: 'content-types', status: 200, body: {success: true, data: {}, message: `Down for\nmaintenance (key ${key}) ${'z'.repeat(400)}`}, times: 2})
      const run = await show()
      const line = expectFailure(run, 7, /it said: "Down for maintenance \(key \*\*\*\) z+…"\.$/)
      expect(line.length).to.be.below(600)
      expectOneLineError(run)
      const json = expectJsonFailure(await show(['--json']), 7)
      expect(json.code).to.equal('unexpected_response')
      expect(json.message).to.include('it said: "Down for maintenance (key ***)')
      expect(leakedSecrets([run.stderr, json.message])).to.deep.equal([])
    })

    it('an empty but well-formed content-types is still "nothing stored yet"', async () => {
      await fault(sb, {path: 'content-types', status: 200, body: {success: true, data: {post_types: {}, taxonomies: {}}}})
      const run = await show()
      expectSuccess(run)
      expect(run.stdout + run.stderr).to.include('holds no site structure yet')
    })

    it('the sites list answering a maintenance notice during connect: exit 7 quoting it', async () => {
      await fault(sb, {path: 'auth/sites', status: 200, body: {detail: 'Maintenance until 10:00 UTC'}, times: 4})
      const run = await igny8(['connect', '--email', sb.credentials.email, '--password-stdin'], {configDir: tempConfigDir(), input: sb.credentials.password, env: env({IGNY8_API_URL: sb.apiUrl})})
      expectFailure(run, 7, /expected a list of sites/, /it said: "Maintenance until 10:00 UTC"/)
    })

    it('update-structure answering {"detail": …}: exit 7 quoting it, and the outcome is unknown', async () => {
      const file = path.join(work, 'structure.json')
      fs.writeFileSync(file, JSON.stringify(samplePayload()))
      await fault(sb, {path: 'update-structure', status: 200, body: {detail: 'Read-only mode'}})
      const run = await igny8(['structure', 'push', '--from-file', file], {configDir, env: env()})
      expectFailure(run, 7, /holds none of message, post_types_count, taxonomies_count, last_structure_fetch/, /it said: "Read-only mode"/, /unknown/)
    })
  })

  describe('IGNY8_DEBUG=body', () => {
    it('connect (password, then site API key): the trace turns on, shows both bodies masked and every request id', async () => {
      const dir = tempConfigDir()
      const password = await igny8(['connect', '--email', sb.credentials.email, '--password-stdin'], {configDir: dir, input: sb.credentials.password, env: debugEnv()})
      noteProfileSecrets(dir)
      expectSuccess(password)
      const trace = password.stderr
      expect(trace).to.match(/\[debug\] POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/auth\/login\/ → 200 in \d+ ms \[request id: [\w-]+\]/)
      expect(trace).to.include(`[debug]   request body: {"email":"${sb.credentials.email}","password":"***"}`)
      expect(trace).to.match(/\[debug\] {3}response body: \{"success":true,"data":\{.*"access":"\*\*\*","refresh":"\*\*\*"/)
      expect(trace).to.match(/\[debug\] {3}response body: .*"wp_api_key":"\*\*\*"/)
      await expectRequestIds(password)

      await clearRequests(sb)
      const key = await igny8(['connect', '--api-key-stdin', '--profile', 'key'], {configDir: dir, input: sb.credentials.sites[0]!.apiKey, env: debugEnv()})
      noteProfileSecrets(dir)
      expectSuccess(key)
      expect(key.stderr).to.include('[authorization: Bearer ***]')
      expect(key.stderr).to.include('response body:')
      await expectRequestIds(key)
      expectNoSecret([password, key])
    })

    it('auth status and structure push: the push body and the answer in the trace, secrets masked', async () => {
      const file = path.join(work, 'structure.json')
      fs.writeFileSync(file, JSON.stringify(samplePayload()))
      const status = await igny8(['auth', 'status'], {configDir, env: debugEnv()})
      expectSuccess(status)
      expect(status.stderr).to.include('response body:')
      await expectRequestIds(status)

      await clearRequests(sb)
      const push = await igny8(['structure', 'push', '--from-file', file], {configDir, env: debugEnv()})
      expectSuccess(push)
      expect(push.stderr).to.match(/\[debug\] POST \S+\/update-structure\/ → 200 in \d+ ms \[authorization: Bearer \*\*\*\] \[request id: [\w-]+\]/)
      expect(push.stderr).to.match(/\[debug\] {3}request body: \{"post_types":\{"post":\{"label":"Posts","count":123/)
      expect(push.stderr).to.match(/\[debug\] {3}response body: \{"success":true,"data":\{"message":"Site structure updated successfully","post_types_count":3/)
      await expectRequestIds(push)
      noteProfileSecrets(configDir)
      expectNoSecret([status, push])
    })

    it('IGNY8_DEBUG=1 and --debug trace request ids but no bodies', async () => {
      const one = await igny8(['content-types', 'show'], {configDir, env: env({IGNY8_DEBUG: '1'})})
      const flag = await igny8(['content-types', 'show', '--debug'], {configDir, env: env()})
      for (const run of [one, flag]) {
        expectSuccess(run)
        expect(run.stderr).to.match(/\[debug\] GET \S+\/content-types\/ → 200 in \d+ ms .*\[request id: [\w-]+\]/)
        expect(run.stderr).to.not.include('body:')
      }
    })
  })
})
