import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'
import fs from 'node:fs'
import path from 'node:path'

const HOST = 'https://api.igny8.test'
const API = `${HOST}/api/v1`

function jwt(tag: string): string {
  const header = Buffer.from('{"alg":"HS256"}').toString('base64url')
  const payload = Buffer.from(JSON.stringify({exp: Math.floor(Date.now() / 1000) + 900, tag})).toString('base64url')
  return `${header}.${payload}.c2lnbmF0dXJl`
}

const sites = [
  {id: 1, name: 'Blog', domain: 'blog.example.com', wp_api_key: 'igny8_key_site_one'},
  {id: 2, name: 'Shop', domain: 'shop.example.com'},
]

function login(): nock.Scope {
  return nock(HOST)
    .post('/api/v1/auth/login/', {email: 'ops@example.com', password: 'hunter2-secret'})
    .reply(200, {success: true, data: {user: {id: 5, email: 'ops@example.com', role: 'owner'}, access: jwt('a'), refresh: jwt('r')}})
}

function configFile(): string {
  return path.join(process.env.IGNY8_CONFIG_DIR!, 'config.json')
}

/** A profile as `connect` left it, its session since expired: no --email, --site or --integration needed now. */
function storeProfile(name: string, profile: Record<string, unknown>): void {
  fs.writeFileSync(configFile(), JSON.stringify({profiles: {[name]: profile}}), {mode: 0o600})
}

describe('connect', () => {
  beforeEach(() => {
    process.env.IGNY8_API_URL = API
    process.env.IGNY8_PASSWORD = 'hunter2-secret'
  })

  it('logs in, picks the site by domain, finds the integration and stores a 0600 profile', async () => {
    login()
      .get('/api/v1/auth/sites/')
      .reply(200, {success: true, count: 2, next: null, results: sites})
      .get('/api/v1/integration/integrations/')
      .query({site: '2', site_id: '2', platform: 'wordpress'})
      .reply(200, {success: true, count: 1, next: null, results: [{id: 77, site: 2, platform: 'wordpress', is_active: true, external_site_url: 'https://shop.example.com'}]})
    const {stdout, stderr, error} = await runCommand(['connect', '--email', 'ops@example.com', '--site', 'https://www.shop.example.com/', '--json'])
    expect(error).to.equal(undefined)
    const result = JSON.parse(stdout)
    expect(result).to.deep.include({profile: 'default', apiUrl: API, authMethod: 'jwt', integrationId: 77, wordpressUrl: 'https://shop.example.com'})
    expect(result.site).to.deep.equal({id: 2, name: 'Shop', domain: 'shop.example.com'})
    expect(result.user.email).to.equal('ops@example.com')
    expect(stdout + stderr).to.not.include('hunter2-secret')
    const stat = fs.statSync(configFile())
    expect(stat.mode & 0o777).to.equal(0o600)
    expect(fs.statSync(process.env.IGNY8_CONFIG_DIR!).mode & 0o777).to.equal(0o700)
    const stored = JSON.parse(fs.readFileSync(configFile(), 'utf8'))
    expect(stored.profiles.default.secrets.refreshToken).to.be.a('string')
    expect(stored.profiles.default.integrationId).to.equal(77)
  })

  it('exits 2 listing the choices when several sites match nothing chosen', async () => {
    login().get('/api/v1/auth/sites/').reply(200, {success: true, count: 2, next: null, results: sites})
    const {stdout, error} = await runCommand(['connect', '--email', 'ops@example.com', '--json'])
    expect(error?.oclif?.exit).to.equal(2)
    const body = JSON.parse(stdout)
    expect(body.error.code).to.equal('site_ambiguous')
    expect(body.error.message).to.include('1  Blog').and.include('2  Shop')
    expect(fs.existsSync(configFile())).to.equal(false)
  })

  it('exits 3 with a hint when the site has no WordPress integration', async () => {
    login()
      .get('/api/v1/auth/sites/')
      .reply(200, {success: true, count: 1, next: null, results: [sites[0]]})
      .get('/api/v1/integration/integrations/')
      .query(true)
      .reply(200, {success: true, count: 1, next: null, results: [{id: 3, site: 1, platform: 'shopify'}]})
    const {stderr, error} = await runCommand(['connect', '--email', 'ops@example.com'])
    expect(error?.oclif?.exit).to.equal(3)
    expect(stderr).to.include('has no WordPress integration')
    expect(stderr).to.include('Hint:')
    expect(stderr).to.not.match(/\n\s+at /)
  })

  it('connects with a site API key and picks the key\'s own site', async () => {
    delete process.env.IGNY8_PASSWORD
    process.env.IGNY8_API_KEY = 'igny8_key_site_one'
    nock(HOST)
      .get('/api/v1/auth/sites/')
      .matchHeader('authorization', 'Bearer igny8_key_site_one')
      .reply(200, {success: true, count: 2, next: null, results: sites})
      .get('/api/v1/integration/integrations/')
      .query(true)
      .reply(200, {success: true, count: 1, next: null, results: [{id: 11, site: 1, platform: 'wordpress'}]})
    const {stdout, error} = await runCommand(['connect', '--json', '--wp-url', 'http://127.0.0.1:8089'])
    expect(error).to.equal(undefined)
    const result = JSON.parse(stdout)
    expect(result).to.deep.include({authMethod: 'api-key', integrationId: 11, user: null, wordpressUrl: 'http://127.0.0.1:8089'})
    expect(stdout).to.not.include('igny8_key_site_one')
    const stored = JSON.parse(fs.readFileSync(configFile(), 'utf8'))
    expect(stored.profiles.default.secrets).to.deep.include({apiKey: 'igny8_key_site_one', apiKeyScheme: 'Bearer'})
  })

  it('refuses credentials over plain http to a remote host', async () => {
    process.env.IGNY8_API_URL = 'http://api.igny8.test/api/v1'
    const {stderr, error} = await runCommand(['connect', '--email', 'ops@example.com'])
    expect(error?.oclif?.exit).to.equal(2)
    expect(stderr).to.include('plain http')
  })

  it('exits 2 with one line for a bad API URL', async () => {
    const {stderr, error} = await runCommand(['connect', '--email', 'ops@example.com', '--api-url', 'notaurl'])
    expect(error?.oclif?.exit).to.equal(2)
    expect(stderr.trim().split('\n')[0]).to.match(/^Error: Invalid API URL/)
  })

  it('reports a corrupt config file without touching it', async () => {
    fs.writeFileSync(configFile(), '{"profiles": {', {mode: 0o600})
    const {stderr, error} = await runCommand(['auth', 'status'])
    expect(error?.oclif?.exit).to.equal(2)
    expect(stderr).to.include(configFile())
    expect(fs.readFileSync(configFile(), 'utf8')).to.equal('{"profiles": {')
  })

  describe('on an existing profile (logging in again)', () => {
    const jwtProfile = {
      apiUrl: API,
      authMethod: 'jwt',
      user: {id: 5, email: 'ops@example.com'},
      site: {id: 2, name: 'Shop', domain: 'shop.example.com'},
      integrationId: 78,
      wordpressUrl: 'https://wp.shop.example.com',
      wpUser: 'admin',
      secrets: {accessToken: 'expired-access', refreshToken: 'expired-refresh', wpAppPassword: 'app pass word'},
    }
    // Two WordPress integrations on site 2: a fresh choice would take 77 (the first active one).
    const shopIntegrations = [
      {id: 77, site: 2, platform: 'wordpress', is_active: true, external_site_url: 'https://shop.example.com'},
      {id: 78, site: 2, platform: 'wordpress', is_active: true, external_site_url: 'https://shop.example.com'},
    ]

    // No terminal, wherever the tests run: a prompt would wait for an answer.
    let stdinIsTTY: boolean | undefined

    beforeEach(() => {
      delete process.env.IGNY8_API_URL
      process.env.IGNY8_PASSWORD = 'hunter2-secret'
      stdinIsTTY = process.stdin.isTTY
      process.stdin.isTTY = false
    })

    afterEach(() => {
      process.stdin.isTTY = stdinIsTTY as boolean
    })

    it('reuses the API URL, email, site, integration and WordPress settings: only the password is new', async () => {
      storeProfile('ci', jwtProfile)
      login()
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 2, next: null, results: sites})
        .get('/api/v1/integration/integrations/')
        .query({site: '2', site_id: '2', platform: 'wordpress'})
        .reply(200, {success: true, count: 2, next: null, results: shopIntegrations})
      const {stdout, stderr, error} = await runCommand(['connect', '--profile', 'ci', '--json'])
      expect(error, stderr).to.equal(undefined)
      const result = JSON.parse(stdout)
      expect(result).to.deep.include({profile: 'ci', apiUrl: API, authMethod: 'jwt', integrationId: 78, wordpressUrl: 'https://wp.shop.example.com'})
      expect(result.site).to.deep.equal({id: 2, name: 'Shop', domain: 'shop.example.com'})
      const stored = JSON.parse(fs.readFileSync(configFile(), 'utf8')).profiles.ci
      expect(stored).to.deep.include({integrationId: 78, wordpressUrl: 'https://wp.shop.example.com', wpUser: 'admin'})
      expect(stored.user.email).to.equal('ops@example.com')
      expect(stored.secrets.wpAppPassword).to.equal('app pass word')
      expect(stored.secrets.accessToken).to.not.equal('expired-access')
    })

    it('lets flags and the environment choose otherwise', async () => {
      storeProfile('ci', jwtProfile)
      process.env.IGNY8_EMAIL = 'ops@example.com'
      process.env.IGNY8_INTEGRATION_ID = '11'
      login()
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 2, next: null, results: sites})
        .get('/api/v1/integration/integrations/11/')
        .reply(200, {success: true, data: {id: 11, site: 1, platform: 'wordpress', external_site_url: 'https://blog.example.com'}})
      const {stdout, stderr, error} = await runCommand(['connect', '--profile', 'ci', '--site', 'blog.example.com', '--json'])
      expect(error, stderr).to.equal(undefined)
      const result = JSON.parse(stdout)
      expect(result).to.deep.include({integrationId: 11, wordpressUrl: 'https://blog.example.com'})
      expect(result.site.id).to.equal(1)
    })

    it('keeps nothing of the site for another user, and nothing at all for another API URL', async () => {
      storeProfile('ci', jwtProfile)
      nock(HOST)
        .post('/api/v1/auth/login/', {email: 'someone@example.com', password: 'hunter2-secret'})
        .reply(200, {success: true, data: {user: {id: 6, email: 'someone@example.com'}, access: jwt('a'), refresh: jwt('r')}})
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 2, next: null, results: sites})
      const other = await runCommand(['connect', '--profile', 'ci', '--email', 'someone@example.com', '--json'])
      expect(other.error?.oclif?.exit).to.equal(2)
      expect(JSON.parse(other.stdout).error.code).to.equal('site_ambiguous')

      const elsewhere = await runCommand(['connect', '--profile', 'ci', '--api-url', 'https://other.igny8.test/api/v1', '--json'])
      expect(elsewhere.error?.oclif?.exit).to.equal(2)
      expect(JSON.parse(elsewhere.stdout).error.code).to.equal('missing_credentials')
    })

    it('falls back to a fresh choice when the stored integration is gone', async () => {
      storeProfile('ci', {...jwtProfile, integrationId: 99})
      login()
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 2, next: null, results: sites})
        .get('/api/v1/integration/integrations/')
        .query(true)
        .reply(200, {success: true, count: 2, next: null, results: shopIntegrations})
      const {stdout, error} = await runCommand(['connect', '--profile', 'ci', '--json'])
      expect(error).to.equal(undefined)
      // Another integration: the WordPress URL stored with integration 99 is not carried over.
      expect(JSON.parse(stdout)).to.deep.include({integrationId: 77, wordpressUrl: 'https://shop.example.com'})
    })

    it('takes a key profile\'s new key from IGNY8_API_KEY and keeps its integration', async () => {
      delete process.env.IGNY8_PASSWORD
      storeProfile('shop', {apiUrl: API, authMethod: 'api-key', user: null, site: {id: 1, name: 'Blog', domain: 'blog.example.com'}, integrationId: 12})
      process.env.IGNY8_API_KEY = 'igny8_key_site_one'
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .matchHeader('authorization', 'Bearer igny8_key_site_one')
        .reply(200, {success: true, count: 1, next: null, results: [sites[0]]})
        .get('/api/v1/integration/integrations/')
        .query(true)
        .reply(200, {success: true, count: 2, next: null, results: [{id: 11, site: 1, platform: 'wordpress'}, {id: 12, site: 1, platform: 'wordpress'}]})
      const {stdout, stderr, error} = await runCommand(['connect', '--profile', 'shop', '--json'])
      expect(error, stderr).to.equal(undefined)
      expect(JSON.parse(stdout)).to.deep.include({authMethod: 'api-key', integrationId: 12, user: null})
    })

    it('asks for a key profile\'s key, not for an email, when no secret is given', async () => {
      delete process.env.IGNY8_PASSWORD
      storeProfile('shop', {apiUrl: API, authMethod: 'api-key', user: null, site: {id: 1, name: 'Blog'}, integrationId: 12})
      const {stderr, error} = await runCommand(['connect', '--profile', 'shop'])
      expect(error?.oclif?.exit).to.equal(2)
      expect(stderr).to.include('No site API key')
    })

    it('names the profile\'s own connect line when its session has expired', async () => {
      storeProfile('ci', {...jwtProfile, secrets: {...jwtProfile.secrets, accessTokenExpiresAt: '2000-01-01T00:00:00.000Z'}})
      nock(HOST).post('/api/v1/auth/refresh/').reply(401, {success: false, error: 'Token is invalid or expired'})
      const {stderr, error} = await runCommand(['auth', 'status', '--profile', 'ci'])
      expect(error?.oclif?.exit).to.equal(4)
      expect(stderr).to.include('Hint: Run `printf \'%s\' "$IGNY8_PASSWORD" | igny8 connect --profile ci --password-stdin` to log in again.')
    })

    it('names a key profile\'s --api-key-stdin line, and no --profile for "default", when it holds no credentials', async () => {
      storeProfile('default', {apiUrl: API, authMethod: 'api-key', user: null, site: {id: 1, name: 'Blog'}, integrationId: 12})
      const {stderr, error} = await runCommand(['auth', 'status'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.include('Hint: Run `printf \'%s\' "$IGNY8_API_KEY" | igny8 connect --api-key-stdin`, or set IGNY8_API_KEY')
    })
  })
})
