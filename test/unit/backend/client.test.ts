import {expect} from 'chai'
import nock from 'nock'

import {type AuthUpdate, BackendClient, jwtExpiry} from '../../../src/lib/backend/client.js'
import {CliError} from '../../../src/lib/errors.js'
import {defaultHttpSettings} from '../../../src/lib/http/http-client.js'
import {redact} from '../../../src/lib/secrets.js'

const API = 'https://api.igny8.test/api/v1'
const HOST = 'https://api.igny8.test'

function jwt(expSecondsFromNow: number, tag = 'a'): string {
  const header = Buffer.from(JSON.stringify({alg: 'HS256', typ: 'JWT'})).toString('base64url')
  const payload = Buffer.from(JSON.stringify({exp: Math.floor(Date.now() / 1000) + expSecondsFromNow, tag})).toString('base64url')
  return `${header}.${payload}.c2lnbmF0dXJlLXNpZw`
}

function client(auth: ConstructorParameters<typeof BackendClient>[0]['auth'], updates: AuthUpdate[] = [], overrides: Partial<ReturnType<typeof defaultHttpSettings>> = {}): BackendClient {
  return new BackendClient({
    apiUrl: API,
    auth,
    http: {...defaultHttpSettings('igny8-test'), timeoutMs: 2000, retries: 2, backoffLimitMs: 10, maxRetryAfterMs: 2000, ...overrides},
    onAuthUpdate(u) {
      updates.push(u)
    },
  })
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise
  } catch (error) {
    expect(error).to.be.instanceOf(CliError)
    return error as CliError
  }

  throw new Error('expected a failure')
}

const site = {id: 1, name: 'Blog', domain: 'blog.example'}
const contentTypes = () => nock(HOST).get('/api/v1/integration/integrations/7/content-types/')
const key = {kind: 'api-key', key: 'igny8_secretkey123'} as const

describe('BackendClient', () => {
  describe('envelope variants', () => {
    it('reads a paginated list at the top level and follows next to the end', async () => {
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 2, next: `${API}/auth/sites/?page=2`, previous: null, results: [site]})
        .get('/api/v1/auth/sites/')
        .query({page: '2'})
        .reply(200, {success: true, count: 2, next: null, previous: null, results: [{...site, id: 2}]})
      const sites = await client(key).listSites()
      expect(sites.map((s) => s.id)).to.deep.equal([1, 2])
    })

    it('reads lists inside data.results and data as an array', async () => {
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, data: {count: 1, next: null, results: [site]}})
        .get('/api/v1/integration/integrations/')
        .query(true)
        .reply(200, {success: true, data: [{id: 7, site: 1, platform: 'wordpress'}, {id: 8, site: 1, platform: 'shopify'}, {id: 9, site: 2, platform: 'wordpress'}]})
      const c = client(key)
      expect(await c.listSites()).to.have.length(1)
      const integrations = await c.listIntegrations(1)
      expect(integrations.map((i) => i.id)).to.deep.equal([7])
    })

    it('accepts a raw (pre-envelope) object', async () => {
      nock(HOST).get('/api/v1/integration/integrations/7/').reply(200, {id: 7, site: {id: 1}, platform: 'wordpress', is_active: true})
      const integration = await client(key).getIntegration(7)
      expect(integration.id).to.equal(7)
    })

    it('maps an error envelope with field errors and request_id', async () => {
      nock(HOST)
        .post('/api/v1/integration/integrations/7/update-structure/')
        .reply(400, {success: false, error: 'Validation failed', errors: {'post_types.post.count': ['must be >= 0']}, request_id: 'req-123'})
      const error = await failure(client(key).updateStructure(7, {post_types: {}, taxonomies: {}, timestamp: new Date().toISOString()}))
      expect(error.exitCode).to.equal(2)
      expect(error.message).to.include('post_types.post.count: must be >= 0')
      expect(error.requestId).to.equal('req-123')
    })

    it('turns a 404 on an integration into "not connected" (exit 3)', async () => {
      nock(HOST).get('/api/v1/integration/integrations/99/content-types/').reply(404, {success: false, error: 'Not found.', request_id: 'r-404'})
      const error = await failure(client(key).contentTypes(99))
      expect(error.exitCode).to.equal(3)
      expect(error.hint).to.match(/igny8 connect/)
      expect(error.requestId).to.equal('r-404')
    })

    it('reports a 404 sync status as "not offered"', async () => {
      nock(HOST).get('/api/v1/integration/integrations/7/sync_status/').reply(404, {detail: 'Not found.'})
      expect(await client(key).syncStatus(7)).to.equal(undefined)
    })
  })

  describe('JWT', () => {
    it('logs in with tokens in data or data.tokens', async () => {
      const access = jwt(900)
      nock(HOST)
        .post('/api/v1/auth/login/', {email: 'a@b.c', password: 'pw-secret-1'})
        .reply(200, {success: true, data: {user: {id: 1, email: 'a@b.c'}, access, refresh: jwt(9000, 'r')}})
        .post('/api/v1/auth/login/')
        .reply(200, {success: true, data: {user: {id: 1, email: 'a@b.c'}, tokens: {access, refresh: jwt(9000, 'r')}}})
      const c = client({kind: 'none'})
      expect((await c.login('a@b.c', 'pw-secret-1')).access).to.equal(access)
      expect((await c.login('a@b.c', 'pw-secret-1')).access).to.equal(access)
      expect(redact('password pw-secret-1 token ' + access)).to.not.include('pw-secret-1').and.not.include(access)
    })

    it('rejects bad credentials with exit 4', async () => {
      nock(HOST).post('/api/v1/auth/login/').reply(401, {success: false, error: 'Invalid email or password'})
      const error = await failure(client({kind: 'none'}).login('a@b.c', 'nope-nope'))
      expect(error.exitCode).to.equal(4)
      expect(error.message).to.include('Invalid email or password')
    })

    it('refreshes once on 401 and retries, saving the new tokens', async () => {
      const updates: AuthUpdate[] = []
      const fresh = jwt(900, 'fresh')
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .matchHeader('authorization', /stale/.test('') ? '' : /^Bearer /)
        .reply(401, {success: false, error: 'Token is expired'})
        .post('/api/v1/auth/refresh/', {refresh: 'refresh-token-1'})
        .reply(200, {success: true, data: {access: fresh}})
        .get('/api/v1/auth/sites/')
        .matchHeader('authorization', `Bearer ${fresh}`)
        .reply(200, {success: true, count: 1, next: null, results: [site]})
      const sites = await client({kind: 'jwt', access: 'stale-access', refresh: 'refresh-token-1'}, updates).listSites()
      expect(sites).to.have.length(1)
      expect(updates).to.have.length(1)
      expect(updates[0]).to.include({kind: 'jwt', access: fresh, refresh: 'refresh-token-1'})
    })

    it('refreshes before the request when the access token has expired, falling back to auth/token/refresh/', async () => {
      const fresh = jwt(900, 'fresh2')
      nock(HOST)
        .post('/api/v1/auth/refresh/')
        .reply(404, {detail: 'Not found.'})
        .post('/api/v1/auth/token/refresh/')
        .reply(200, {success: true, data: {access: fresh, refresh: jwt(9000, 'r2')}})
        .get('/api/v1/auth/sites/')
        .matchHeader('authorization', `Bearer ${fresh}`)
        .reply(200, {success: true, count: 0, next: null, results: []})
      const expired = jwt(-60)
      await client({kind: 'jwt', access: expired, refresh: 'r', accessExpiresAt: jwtExpiry(expired)}).listSites()
    })

    it('says "run igny8 connect" (exit 4) when the refresh token is rejected', async () => {
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(401, {success: false, error: 'Token is expired'})
        .post('/api/v1/auth/refresh/')
        .reply(401, {success: false, error: 'Token is invalid or expired'})
      const error = await failure(client({kind: 'jwt', access: 'a-token', refresh: 'r-token'}).listSites())
      expect(error.exitCode).to.equal(4)
      expect(error.hint).to.include('igny8 connect')
    })
  })

  describe('site API key', () => {
    it('falls back once from Bearer to ApiKey on 401 and remembers the scheme', async () => {
      const updates: AuthUpdate[] = []
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .matchHeader('authorization', 'Bearer igny8_secretkey123')
        .reply(401, {success: false, error: 'Invalid token'})
        .get('/api/v1/auth/sites/')
        .matchHeader('authorization', 'ApiKey igny8_secretkey123')
        .reply(200, {success: true, count: 1, next: null, results: [site]})
        .get('/api/v1/auth/sites/')
        .matchHeader('authorization', 'ApiKey igny8_secretkey123')
        .reply(200, {success: true, count: 1, next: null, results: [site]})
      const c = client(key, updates)
      await c.listSites()
      await c.listSites()
      expect(c.apiKeyScheme).to.equal('ApiKey')
      expect(updates).to.deep.equal([{kind: 'api-key', scheme: 'ApiKey'}])
    })

    it('gives exit 4 when both schemes are rejected (revoked key)', async () => {
      nock(HOST).get('/api/v1/auth/sites/').times(2).reply(401, {success: false, error: 'Invalid API key'})
      const error = await failure(client(key).listSites())
      expect(error.exitCode).to.equal(4)
      expect(error.message).to.include('site API key')
      expect(error.message).to.not.include('igny8_secretkey123')
    })

    it('names the role problem on 403', async () => {
      nock(HOST).get('/api/v1/integration/integrations/7/').reply(403, {success: false, error: 'You do not have permission to perform this action.'})
      const error = await failure(client({...key, scheme: 'Bearer'}).getIntegration(7))
      expect(error.exitCode).to.equal(4)
      expect(error.message).to.include('editor role')
    })
  })

  describe('retries and transport', () => {
    it('retries 503 then succeeds', async () => {
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(503, 'busy')
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 0, next: null, results: []})
      expect(await client(key).listSites()).to.deep.equal([])
    })

    it('honours Retry-After on 429', async () => {
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(429, {success: false, error: 'throttled'}, {'Retry-After': '1'})
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 0, next: null, results: []})
      const started = Date.now()
      await client(key).listSites()
      expect(Date.now() - started).to.be.greaterThanOrEqual(900)
    })

    it('gives exit 6 with the reset time, without waiting, when the reset is beyond the cap', async () => {
      const reset = Math.floor(Date.now() / 1000) + 3600
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(429, {success: false, error: 'throttled'}, {'X-Throttle-Reset': String(reset)})
      const error = await failure(client(key).listSites())
      expect(error.exitCode).to.equal(6)
      expect(error.message).to.include(new Date(reset * 1000).toISOString())
    })

    it('retries a persistent 429 up to the limit, then exit 6', async () => {
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .times(3)
        .reply(429, {success: false, error: 'throttled'}, {'Retry-After': '0'})
      const error = await failure(client(key).listSites())
      expect(error.exitCode).to.equal(6)
      expect(error.message).to.include('rate-limiting')
    })

    it('retries update-structure (it replaces, so a repeat is harmless)', async () => {
      nock(HOST)
        .post('/api/v1/integration/integrations/7/update-structure/')
        .reply(502, '<html><body>Bad gateway</body></html>', {'Content-Type': 'text/html'})
        .post('/api/v1/integration/integrations/7/update-structure/')
        .reply(200, {success: true, data: {message: 'ok', post_types_count: 0, taxonomies_count: 0, last_structure_fetch: '2026-01-01T00:00:00Z'}})
      const data = await client({...key, scheme: 'Bearer'}).updateStructure(7, {post_types: {}, taxonomies: {}, timestamp: new Date().toISOString()})
      expect(data.post_types_count).to.equal(0)
    })

    it('says it was HTML when a proxy answers 502 forever (exit 6)', async () => {
      nock(HOST).get('/api/v1/auth/sites/').times(3).reply(502, '<!DOCTYPE html><html>Bad gateway</html>', {'Content-Type': 'text/html'})
      const error = await failure(client(key).listSites())
      expect(error.exitCode).to.equal(6)
      expect(error.message).to.include('HTML')
    })

    it('gives exit 7 for HTML with 200', async () => {
      nock(HOST).get('/api/v1/auth/sites/').reply(200, '<html>login</html>', {'Content-Type': 'text/html'})
      const error = await failure(client(key).listSites())
      expect(error.exitCode).to.equal(7)
      expect(error.message).to.include('HTML')
    })

    it('gives exit 7 for a wrong shape, saying what was expected', async () => {
      nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: {post_types: 'nope'}})
      const error = await failure(client(key).contentTypes(7))
      expect(error.exitCode).to.equal(7)
      expect(error.message).to.include('post_types')
    })

    describe('a 2xx answer that holds none of the fields a command needs', () => {
      it('content-types with only a detail message: exit 7, quoting it, never "nothing stored"', async () => {
        contentTypes().reply(200, {detail: 'Maintenance'}, {'X-Request-Id': 'req-maint'})
        const error = await failure(client(key).contentTypes(7))
        expect(error).to.include({exitCode: 7, code: 'unexpected_response', requestId: 'req-maint'})
        expect(error.message).to.equal(
          'The IGNY8 backend answered HTTP 200 with an unexpected shape; expected a content-types object with post_types and taxonomies, but the answer holds none of post_types, taxonomies, last_structure_fetch, plugin_connection_enabled, two_way_sync_enabled; it said: "Maintenance".',
        )
      })

      it('content-types as an empty data object: exit 7', async () => {
        contentTypes().reply(200, {success: true, data: {}})
        const error = await failure(client(key).contentTypes(7))
        expect(error.exitCode).to.equal(7)
        expect(error.message).to.include('holds none of post_types').and.include('it held an empty object')
      })

      it('quotes the envelope\'s message, on one line, cut to a sane length, secrets masked', async () => {
        const long = `Down for\nmaintenance igny8_secretkey123 ${'z'.repeat(500)}`
        contentTypes().reply(200, {success: true, data: {}, message: long})
        const error = await failure(client(key).contentTypes(7))
        const said = /it said: "(.*)"\.$/.exec(error.message)?.[1] ?? ''
        expect(said).to.match(/^Down for maintenance \*\*\* z+…$/)
        expect(said.length).to.equal(200)
        expect(error.message).to.not.include('igny8_secretkey123')
      })

      it('an empty but well-formed content-types stays "nothing stored yet"', async () => {
        contentTypes().reply(200, {post_types: {}, taxonomies: {}})
        expect(await client(key).contentTypes(7)).to.deep.equal({post_types: {}, taxonomies: {}})
        contentTypes().reply(200, {success: true, data: {post_types: null, taxonomies: null, last_structure_fetch: null}})
        expect(await client(key).contentTypes(7)).to.deep.include({post_types: null, last_structure_fetch: null})
      })

      it('lists (sites, integrations) with no list anywhere: exit 7, quoting the backend', async () => {
        nock(HOST).get('/api/v1/auth/sites/').reply(200, {detail: 'Maintenance'})
        const sites = await failure(client(key).listSites())
        expect(sites.exitCode).to.equal(7)
        expect(sites.message).to.include('expected a list of sites').and.include('it said: "Maintenance"')
        nock(HOST).get('/api/v1/integration/integrations/').query(true).reply(200, {success: true, data: {}})
        const integrations = await failure(client(key).listIntegrations(1))
        expect(integrations.exitCode).to.equal(7)
        expect(integrations.message).to.include('expected a list of integrations')
      })

      it('update-structure with none of message/post_types_count/taxonomies_count/last_structure_fetch: exit 7, quoting it', async () => {
        nock(HOST).post('/api/v1/integration/integrations/7/update-structure/').reply(200, {success: false, error: 'Read-only mode'})
        const error = await failure(client({...key, scheme: 'Bearer'}).updateStructure(7, {post_types: {}, taxonomies: {}, timestamp: new Date().toISOString()}))
        expect(error.exitCode).to.equal(7)
        expect(error.message).to.include('holds none of message, post_types_count, taxonomies_count, last_structure_fetch').and.include('it said: "Read-only mode"')
      })
    })

    it('gives exit 7 for truncated JSON', async () => {
      nock(HOST).get('/api/v1/auth/sites/').reply(200, '{"success": true, "results": [', {'Content-Type': 'application/json'})
      const error = await failure(client(key).listSites())
      expect(error.exitCode).to.equal(7)
    })

    it('gives exit 6 on a timeout', async () => {
      nock(HOST).get('/api/v1/auth/sites/').times(3).delay(500).reply(200, {})
      const error = await failure(client(key, [], {timeoutMs: 100}).listSites())
      expect(error.exitCode).to.equal(6)
      expect(error.message).to.match(/did not answer in time/)
    })

    it('gives exit 6 when the connection is reset', async () => {
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .times(3)
        .replyWithError(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))
      const error = await failure(client(key).listSites())
      expect(error.exitCode).to.equal(6)
      expect(error.message).to.include('dropped')
    })
  })
})
