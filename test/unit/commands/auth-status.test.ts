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

const blog = {id: 1, name: 'Blog', domain: 'blog.example.com'}
const shop = {id: 3, name: 'Shop', domain: 'shop.example.com'}

/** Profile "default": ops@example.com on site 1 "Blog", integration 102, logged in. */
function storeProfile(): void {
  const profile = {
    apiUrl: API,
    authMethod: 'jwt',
    user: {id: 5, email: 'ops@example.com'},
    site: blog,
    integrationId: 102,
    wordpressUrl: 'https://blog.example.com',
    secrets: {accessToken: jwt('a'), refreshToken: jwt('r'), accessTokenExpiresAt: new Date(Date.now() + 900_000).toISOString()},
  }
  fs.writeFileSync(path.join(process.env.IGNY8_CONFIG_DIR!, 'config.json'), JSON.stringify({profiles: {default: profile}}), {mode: 0o600})
}

describe('auth status: what will be used, and where it came from', () => {
  beforeEach(storeProfile)

  it('shows the integration of IGNY8_INTEGRATION_ID, not the profile\'s it overrides', async () => {
    process.env.IGNY8_INTEGRATION_ID = '103'
    nock(HOST).get('/api/v1/auth/sites/').twice().reply(200, {success: true, count: 2, next: null, results: [blog, shop]})
    const text = await runCommand(['auth', 'status'])
    expect(text.error).to.equal(undefined)
    expect(text.stderr).to.include('IGNY8_INTEGRATION_ID overrides the integration stored in the profile (102)')
    expect(text.stdout).to.include('Integration:   103 (IGNY8_INTEGRATION_ID)')
    expect(text.stdout).to.not.include('102')
    expect(text.stdout).to.include(`API URL:       ${API} (profile)`)
    expect(text.stdout).to.include('User:          ops@example.com (profile)')
    expect(text.stdout).to.include('Site:          Blog (id 1; profile)')

    const json = JSON.parse((await runCommand(['auth', 'status', '--json'])).stdout)
    expect(json).to.deep.include({integrationId: 103, credentialSource: 'profile', valid: true})
    expect(json.sources).to.deep.equal({apiUrl: 'profile', credentials: 'profile', user: 'profile', site: 'profile', integrationId: 'env', wordpressUrl: 'profile', wpUser: null})
  })

  it('shows the site of an IGNY8_API_KEY as the backend lists it, and no user', async () => {
    process.env.IGNY8_API_KEY = 'igny8_key_of_the_shop'
    nock(HOST).get('/api/v1/auth/sites/').matchHeader('authorization', 'Bearer igny8_key_of_the_shop').twice().reply(200, {success: true, count: 1, next: null, results: [shop]})
    const text = await runCommand(['auth', 'status'])
    expect(text.error).to.equal(undefined)
    expect(text.stdout).to.include('Auth:          site API key (credentials from IGNY8_API_KEY)')
    expect(text.stdout).to.include('Site:          Shop (id 3; the site of IGNY8_API_KEY)')
    expect(text.stdout).to.not.include('User:').and.not.include('ops@example.com').and.not.include('Blog')
    expect(text.stderr).to.include('IGNY8_API_KEY is the key of site 3 "Shop", not of the profile\'s site 1 "Blog"')

    const json = JSON.parse((await runCommand(['auth', 'status', '--json'])).stdout)
    expect(json).to.deep.include({authMethod: 'api-key', credentialSource: 'env', user: null, site: {id: 3, name: 'Shop', domain: 'shop.example.com'}, tokenExpiresAt: null})
    expect(json.sources).to.deep.include({credentials: 'env', user: null, site: 'backend', integrationId: 'profile'})
  })

  it('says the same in a failed --all report: the environment\'s credentials, no profile user', async () => {
    process.env.IGNY8_API_KEY = 'igny8_revoked_key'
    nock(HOST).get('/api/v1/auth/sites/').times(2).reply(401, {success: false, error: 'Invalid API key'})
    const {stdout} = await runCommand(['auth', 'status', '--all', '--json'])
    const [status] = JSON.parse(stdout)
    expect(status).to.deep.include({valid: false, authMethod: 'api-key', credentialSource: 'env', user: null, site: null})
    expect(status.sources).to.deep.include({credentials: 'env', user: null, site: null, integrationId: 'profile'})
  })
})
