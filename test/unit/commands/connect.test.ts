import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import nock from 'nock'

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
})
