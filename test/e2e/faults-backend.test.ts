/**
 * The IGNY8 backend misbehaving, with igny8 run as a real process (built dist) against an in-process
 * sandbox with scripted faults: rate limits, 5xx, proxy HTML, broken or wrongly shaped JSON, dropped
 * connections, silence, expired or revoked credentials, a missing integration, a viewer's 403, and a
 * push that was stored but whose reply was lost. Each failure: the exit code of the spec, exactly one
 * `Error:` line on stderr, no stack trace, nothing on stdout.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type CliRun, ROOT, tempConfigDir} from '../helpers/cli.js'
import {
  closedPort,
  connect,
  connected,
  expectFailure,
  expectJsonFailure,
  expectSuccess,
  igny8,
  noteProfileSecrets,
  noteSecret,
  samplePayload,
  startBackend,
  storedStructure,
} from '../helpers/faults.js'
import {
  clearFaults,
  clearRequests,
  expireTokens,
  fault,
  patchIntegration,
  requests,
  revokeApiKey,
  type Sandbox,
} from '../helpers/sandbox.js'

/** Two retries and a 5 s timeout, so that a fault is seen quickly; `extra` on top. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({IGNY8_HTTP_RETRIES: '2', IGNY8_HTTP_TIMEOUT_MS: '5000', ...extra})

describe('e2e faults: the IGNY8 backend', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let configDir: string
  let integrationId: number
  let work: string
  let payloadFile: string

  const show = (args: string[] = [], extra: NodeJS.ProcessEnv = {}): Promise<CliRun> => igny8(['content-types', 'show', ...args], {configDir, env: env(extra)})
  const push = (args: string[] = [], extra: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    igny8(['structure', 'push', '--from-file', payloadFile, ...args], {configDir, env: env(extra)})
  const statuses = async (pathPart: string): Promise<Array<number | null>> => (await requests(sb, pathPart)).map((entry) => entry.status)

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'structure', 'push.js'))) throw new Error('dist is missing: run `npm run build` first')
    sb = await startBackend('http://127.0.0.1:8089')
    integrationId = sb.credentials.sites[0]!.integrationId!
    configDir = tempConfigDir()
    await connected(sb, configDir)
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-faults-'))
    payloadFile = path.join(work, 'structure.json')
    fs.writeFileSync(payloadFile, JSON.stringify(samplePayload()))
  })

  after(async () => {
    await sb?.close()
    if (work) fs.rmSync(work, {recursive: true, force: true})
  })

  beforeEach(async () => {
    await clearFaults(sb)
    await clearRequests(sb)
    await patchIntegration(sb, integrationId, {content_types: null})
  })

  describe('429 Too Many Requests', () => {
    it('waits for Retry-After (measured between the two requests), then succeeds', async () => {
      await fault(sb, {path: 'content-types', status: 429, headers: {'Retry-After': '2'}})
      const run = await show()
      expectSuccess(run)
      const log = await requests(sb, 'content-types')
      expect(log.map((entry) => entry.status)).to.deep.equal([429, 200])
      const waited = Date.parse(log[1]!.time) - Date.parse(log[0]!.time)
      expect(waited, 'Retry-After: 2 honoured').to.be.within(1900, 4500)
    })

    it('without Retry-After, waits until X-Throttle-Reset', async () => {
      // Far enough ahead that the 429 arrives (after start-up) well before the reset.
      const reset = Math.ceil(Date.now() / 1000) + 4
      await fault(sb, {path: 'content-types', status: 429, headers: {'X-Throttle-Reset': String(reset)}})
      const run = await show()
      expectSuccess(run)
      const log = await requests(sb, 'content-types')
      expect(log.map((entry) => entry.status)).to.deep.equal([429, 200])
      expect(Date.parse(log[1]!.time), 'second request not before the reset').to.be.at.least(reset * 1000 - 50)
    })

    it('does not sleep on a Retry-After above the cap: exit 6 at once, with the reset time', async () => {
      const reset = Math.ceil(Date.now() / 1000) + 3600
      await fault(sb, {path: 'content-types', status: 429, headers: {'Retry-After': '3600', 'X-Throttle-Reset': String(reset)}, times: 5})
      const started = Date.now()
      const run = await show([], {IGNY8_MAX_RETRY_AFTER_MS: '2000'})
      const line = expectFailure(run, 6, /rate-limiting/, new RegExp(new Date(reset * 1000).toISOString().replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)))
      expect(line).to.include('resets at')
      expect(Date.now() - started, 'no hour-long sleep').to.be.below(15_000)
      expect(await statuses('content-types')).to.deep.equal([429])
    })

    it('429 on every attempt: exit 6 after the retries, saying when the limit resets', async () => {
      const reset = Math.ceil(Date.now() / 1000) + 1
      await fault(sb, {path: 'content-types', status: 429, headers: {'Retry-After': '1', 'X-Throttle-Reset': String(reset)}, times: 50})
      const run = await show()
      expectFailure(run, 6, /rate-limiting requests \(HTTP 429, still after retries\); the limit resets at \d{4}-\d\d-\d\dT/)
      expect(await statuses('content-types'), '1 try + IGNY8_HTTP_RETRIES=2').to.deep.equal([429, 429, 429])
    })

    it('429 forever under --json: one error document, code rate_limited', async () => {
      await fault(sb, {path: 'content-types', status: 429, headers: {'Retry-After': '1'}, times: 50})
      const run = await show(['--json'], {IGNY8_HTTP_RETRIES: '1'})
      const error = expectJsonFailure(run, 6)
      expect(error.code).to.equal('rate_limited')
      expect(error.message).to.include('resets at')
    })

    it('a push (POST) is retried after 429 too: one success, stored once', async () => {
      await fault(sb, {path: 'update-structure', status: 429, headers: {'Retry-After': '1'}})
      const run = await push()
      expectSuccess(run)
      expect(run.stdout.match(/Pushed 3 post types and 2 taxonomies/g)).to.have.length(1)
      expect(await statuses('update-structure')).to.deep.equal([429, 200])
    })
  })

  describe('5xx', () => {
    it('503 once on a read: retried, one success', async () => {
      await fault(sb, {path: 'content-types', status: 503})
      const run = await show()
      expectSuccess(run)
      expect(run.stderr.match(/holds no site structure yet/g)).to.have.length(1)
      expect(await statuses('content-types')).to.deep.equal([503, 200])
    })

    it('503 once on a push: retried, reported once, stored', async () => {
      await fault(sb, {path: 'update-structure', status: 503})
      const run = await push(['--json'])
      expectSuccess(run)
      const result = run.json()
      expect(result.response).to.include({post_types_count: 3, taxonomies_count: 2})
      expect(await statuses('update-structure')).to.deep.equal([503, 200])
      expect((await storedStructure(sb, integrationId))?.post_types).to.deep.equal(samplePayload().post_types)
    })

    it('503 forever: exit 6 after the retries', async () => {
      await fault(sb, {path: 'content-types', status: 503, times: 50})
      const run = await show()
      expectFailure(run, 6, /HTTP 503/, /after retries/)
      expect(await statuses('content-types')).to.deep.equal([503, 503, 503])
    })

    it('a proxy\'s 502 HTML page: exit 6, says it was HTML', async () => {
      await fault(sb, {path: 'content-types', status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>', times: 50})
      const run = await show()
      expectFailure(run, 6, /HTTP 502/, /HTML/)
    })

    it('a login page (200 HTML) where the API should be: exit 7', async () => {
      await fault(sb, {path: 'content-types', status: 200, body: '<!doctype html><html><body><form>Sign in</form></body></html>'})
      const run = await show()
      expectFailure(run, 7, /HTML page/, /expected/)
    })
  })

  describe('broken answers', () => {
    it('truncated JSON: exit 7, says what was expected', async () => {
      await fault(sb, {path: 'content-types', status: 200, body: '{"success": true, "data": {"post_types": {"post": {"label": "Po', contentType: 'application/json'})
      const run = await show()
      expectFailure(run, 7, /not valid JSON/, /expected JSON from content-types/)
    })

    it('JSON of the wrong shape: exit 7, names what was expected and where it differs', async () => {
      await fault(sb, {path: 'content-types', status: 200, body: {success: true, data: {post_types: ['post', 'page'], taxonomies: {}}}})
      const run = await show()
      expectFailure(run, 7, /unexpected shape/, /expected a content-types object with post_types and taxonomies/, /post_types/)
    })

    it('a push answered 200 with the wrong shape: exit 7, never claims success', async () => {
      await fault(sb, {path: 'update-structure', applyThenFail: true, status: 200, body: {success: true, data: {stored: 'maybe'}}})
      const run = await push()
      expectFailure(run, 7, /unexpected shape/, /post_types_count/, /unknown/)
      expect(run.stderr).to.include('content-types show')
    })

    it('the connection dropped mid-body once: retried, succeeds', async () => {
      await fault(sb, {path: 'content-types', drop: true})
      const run = await show()
      expectSuccess(run)
      expect(await statuses('content-types')).to.deep.equal([null, 200])
    })

    it('the connection dropped mid-body every time: exit 6', async () => {
      await fault(sb, {path: 'content-types', drop: true, times: 50})
      const run = await show()
      expectFailure(run, 6, /dropped before the answer was complete/)
    })

    it('a server that never answers: timeout, exit 6, within the configured time', async () => {
      await fault(sb, {path: 'content-types', hang: true, times: 50})
      const started = Date.now()
      const run = await show([], {IGNY8_HTTP_TIMEOUT_MS: '1500', IGNY8_HTTP_RETRIES: '1'})
      const elapsed = Date.now() - started
      expectFailure(run, 6, /did not answer in time/)
      expect(elapsed, '2 attempts of 1.5 s plus start-up').to.be.within(3000, 15_000)
      expect(await statuses('content-types')).to.deep.equal([null, null])
    })

    it('an answer larger than IGNY8_MAX_RESPONSE_BYTES: exit 7, not read to the end', async () => {
      await fault(sb, {path: 'content-types', status: 200, body: {success: true, data: {post_types: {}, taxonomies: {}, padding: 'x'.repeat(20_000)}}})
      const run = await show([], {IGNY8_MAX_RESPONSE_BYTES: '8192'})
      expectFailure(run, 7, /larger than 8192 bytes/)
    })

    it('nothing listening at the API URL: exit 6', async () => {
      const run = await show([], {IGNY8_API_URL: `http://127.0.0.1:${await closedPort()}/api/v1`})
      expectFailure(run, 6, /unreachable/, /connection refused/)
    })
  })

  describe('credentials', () => {
    // Token expiry and key rotation hit every token of a sandbox: these tests get their own.
    let sb: Sandbox
    let dir: string

    before(async () => {
      sb = await startBackend('http://127.0.0.1:8089')
    })

    after(async () => {
      await sb?.close()
    })

    beforeEach(() => {
      dir = tempConfigDir()
    })

    const profileFile = () => path.join(dir, 'config.json')
    const stored = () => JSON.parse(fs.readFileSync(profileFile(), 'utf8')).profiles.default.secrets

    it('an expired access token is refreshed; the command succeeds and the new token is saved', async () => {
      await connected(sb, dir)
      const before = stored().accessToken
      await expireTokens(sb, 'access')
      const run = await igny8(['content-types', 'show'], {configDir: dir, env: env()})
      noteProfileSecrets(dir)
      expectSuccess(run)
      expect(stored().accessToken).to.be.a('string').and.not.equal(before)
      const log = await requests(sb)
      expect(log.map((entry) => `${entry.path.replace(/^\/api\/v1\//, '')} ${entry.status}`).slice(-3)).to.deep.equal([
        `integration/integrations/${integrationId}/content-types/ 401`,
        'auth/refresh/ 200',
        `integration/integrations/${integrationId}/content-types/ 200`,
      ])
    })

    it('an expired refresh token: exit 4, "run `igny8 connect`"', async () => {
      await connected(sb, dir)
      await expireTokens(sb, 'all')
      const run = await igny8(['content-types', 'show'], {configDir: dir, env: env()})
      expectFailure(run, 4, /session has expired/)
      expect(run.stderr).to.include(`Hint: Run \`printf '%s' "$IGNY8_PASSWORD" | igny8 connect --password-stdin\``)
    })

    it('a revoked (already rotated) refresh token: exit 4, "run `igny8 connect`"', async () => {
      await connected(sb, dir)
      const original = fs.readFileSync(profileFile())
      await expireTokens(sb, 'access')
      expectSuccess(await igny8(['auth', 'status'], {configDir: dir, env: env()}))
      noteProfileSecrets(dir)
      // Back to the old tokens: their refresh token was used once and the sandbox rotated it away.
      fs.writeFileSync(profileFile(), original)
      const run = await igny8(['content-types', 'show'], {configDir: dir, env: env()})
      expectFailure(run, 4, /refresh token was rejected/)
      expect(run.stderr).to.include(`Hint: Run \`printf '%s' "$IGNY8_PASSWORD" | igny8 connect --password-stdin\``)
    })

    it('a revoked site API key: exit 4', async () => {
      await connected(sb, dir, {as: 'api-key'})
      noteSecret('rotated site API key', await revokeApiKey(sb, sb.credentials.sites[0]!.id))
      const run = await igny8(['content-types', 'show'], {configDir: dir, env: env()})
      expectFailure(run, 4, /rejected the site API key \(HTTP 401\)/)
      expect(run.stderr).to.match(/Hint: .*revoked/)
    })

    it('a viewer (no editor role): exit 4 naming the role problem', async () => {
      const run = await connect(sb, dir, {as: 'viewer'})
      expectFailure(run, 4, /HTTP 403/, /editor role or above/)
      expect(fs.existsSync(profileFile()), 'nothing stored').to.equal(false)
    })

    it('a 401 on every request, even after a refresh: exit 4', async () => {
      await connected(sb, dir)
      await fault(sb, {path: 'content-types', status: 401, times: 10})
      const run = await igny8(['content-types', 'show'], {configDir: dir, env: env()})
      expectFailure(run, 4, /rejected the credentials \(HTTP 401\)/)
    })
  })

  describe('the integration', () => {
    it('deleted on the backend (404): exit 3, for a read and for a push', async () => {
      const dir = tempConfigDir()
      const local = await startBackend('http://127.0.0.1:8089')
      try {
        await connected(local, dir)
        await patchIntegration(local, local.credentials.sites[0]!.integrationId!, {delete: true})
        const read = await igny8(['content-types', 'show'], {configDir: dir, env: env()})
        expectFailure(read, 3, /Integration \d+ was not found/)
        const sent = await igny8(['structure', 'push', '--from-file', payloadFile], {configDir: dir, env: env()})
        expectFailure(sent, 3, /Integration \d+ was not found/)
      } finally {
        await local.close()
      }
    })

    it('an --integration the login cannot see: exit 3', async () => {
      const run = await show(['--integration', '999999'])
      expectFailure(run, 3, /Integration 999999 was not found/)
    })
  })

  describe('a push stored but its reply lost (applyThenFail)', () => {
    it('once: the retry is harmless; success reported once; the backend holds the payload', async () => {
      await fault(sb, {path: 'update-structure', applyThenFail: true, status: 500})
      const run = await push()
      expectSuccess(run)
      expect(run.stdout.match(/Pushed 3 post types and 2 taxonomies/g)).to.have.length(1)
      expect(await statuses('update-structure')).to.deep.equal([500, 200])
      const held = await storedStructure(sb, integrationId)
      expect(held?.post_types).to.deep.equal(samplePayload().post_types)
      expect(held?.taxonomies).to.deep.equal(samplePayload().taxonomies)
    })

    it('the reply cut mid-body: retried, success reported once, stored', async () => {
      await fault(sb, {path: 'update-structure', applyThenFail: true, drop: true})
      const run = await push(['--json'])
      expectSuccess(run)
      expect(run.json().response.post_types_count).to.equal(3)
      expect(await statuses('update-structure')).to.deep.equal([null, 200])
      expect((await storedStructure(sb, integrationId))?.taxonomies).to.deep.equal(samplePayload().taxonomies)
    })

    it('every reply lost: exit 6, no success claimed, says the outcome is unknown — and it was in fact stored', async () => {
      await fault(sb, {path: 'update-structure', applyThenFail: true, status: 500, times: 50})
      const run = await push()
      expectFailure(run, 6, /HTTP 500/, /Whether the backend stored the structure is unknown/)
      expect(run.stderr).to.not.match(/Pushed/)
      expect(run.stderr).to.include('Pushing again is safe')
      expect(await statuses('update-structure')).to.deep.equal([500, 500, 500])
      expect((await storedStructure(sb, integrationId))?.post_types, 'the backend did store it').to.deep.equal(samplePayload().post_types)
    })

    it('--json: the error document carries the same truth', async () => {
      await fault(sb, {path: 'update-structure', applyThenFail: true, drop: true, times: 50})
      const run = await push(['--json'])
      const error = expectJsonFailure(run, 6)
      expect(error.message).to.include('dropped').and.include('unknown')
      expect(run.stdout).to.not.include('post_types_count')
    })

    it('a push refused before anything is stored (400) says nothing about an unknown outcome', async () => {
      await fault(sb, {path: 'update-structure', status: 400, body: {success: false, error: 'Validation failed', errors: {post_types: ['Too many.']}}})
      const run = await push()
      expectFailure(run, 2, /refused update-structure \(HTTP 400\): post_types: Too many\./)
      expect(run.stderr).to.not.include('unknown')
      expect(await storedStructure(sb, integrationId)).to.equal(undefined)
    })
  })

})
