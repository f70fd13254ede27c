import {expect} from 'chai'

import {integrationSchema, loginDataSchema, pageEnvelope, paths, refreshDataSchema, siteSchema, tokensOf} from '../../../src/lib/backend/contract.js'
import {expireTokens, requests, revokeApiKey, type Sandbox, startTestSandbox} from '../../helpers/sandbox.js'
import {bearer, call, expectBody, expectError, expectOk, login} from './support.js'

/** Refresh on `path` rotates the pair; the used refresh token, a bad one, an access token and none are rejected. */
async function expectRotation(sb: Sandbox, path: string): Promise<void> {
  const pair = await login(sb)
  const data = expectOk(await call(sb, 'POST', path, {body: {refresh: pair.refresh}}), refreshDataSchema)
  const fresh = data as {access: string; refresh: string}
  expect(fresh.access).to.not.equal(pair.access)
  expect(fresh.refresh).to.be.a('string').and.not.equal(pair.refresh)
  expectBody(await call(sb, 'GET', paths.sites, {auth: bearer(fresh.access)}), pageEnvelope(siteSchema))
  expectError(await call(sb, 'POST', path, {body: {refresh: pair.refresh}}), 401)
  expectError(await call(sb, 'POST', path, {body: {refresh: 'not-a-token'}}), 401)
  expectError(await call(sb, 'POST', path, {body: {refresh: pair.access}}), 401)
  expectError(await call(sb, 'POST', path, {body: {}}), 400, 'Validation failed')
}

/** Under `scheme`, the site's API key sees its own site and integration only. */
async function expectSiteScopedKey(sb: Sandbox, scheme: string, site: Sandbox['credentials']['sites'][number]): Promise<void> {
  const sites = expectBody(await call(sb, 'GET', paths.sites, {auth: `${scheme} ${site.apiKey}`}), pageEnvelope(siteSchema))
  expect(sites.results.map((s) => s.id)).to.deep.equal([site.id])
  expect(sites.count).to.equal(1)
  const integrations = expectBody(await call(sb, 'GET', paths.integrations, {auth: `${scheme} ${site.apiKey}`}), pageEnvelope(integrationSchema))
  expect(integrations.results.map((row) => row.id)).to.deep.equal([site.integrationId])
  expectOk(await call(sb, 'GET', paths.integration(site.integrationId!), {auth: `${scheme} ${site.apiKey}`}), integrationSchema)
  const other = sb.credentials.sites[0]!
  expectError(await call(sb, 'GET', paths.integration(other.integrationId!), {auth: `${scheme} ${site.apiKey}`}), 404)
  expectError(await call(sb, 'GET', paths.contentTypes(other.integrationId!), {auth: `${scheme} ${site.apiKey}`}), 404)
}

describe('sandbox: authentication', () => {
  let sb: Sandbox

  afterEach(async () => sb?.close())

  describe('login', () => {
    beforeEach(async () => {
      sb = await startTestSandbox({seed: {password: 'correct horse'}})
    })

    it('answers the user, the account and a JWT pair', async () => {
      const response = await call(sb, 'POST', paths.login, {body: {email: 'demo@igny8.local', password: 'correct horse'}})
      const data = expectOk(response, loginDataSchema)
      expect(data.user).to.deep.include({id: 1, email: 'demo@igny8.local', username: 'demo', role: 'owner'})
      expect(data.user.account).to.deep.equal({id: 1, name: 'Demo Account', slug: 'demo-account'})
      const {access, refresh} = tokensOf(data)
      for (const token of [access, refresh]) expect(token).to.match(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
      const claims = JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
      expect(claims).to.include({sub: '1', type: 'access'})
      expect(claims.exp as number).to.be.closeTo(Math.floor(Date.now() / 1000) + 900, 5)
      expect(claims.iat).to.be.a('number')
      expect(claims.jti).to.be.a('string')
    })

    it('rejects a wrong password with 401 and the documented message', async () => {
      const response = await call(sb, 'POST', paths.login, {body: {email: 'demo@igny8.local', password: 'nope'}})
      expectError(response, 401, 'Invalid email or password')
    })

    it('answers 400 with per-field errors when fields are missing', async () => {
      const response = await call(sb, 'POST', paths.login, {body: {email: 'demo@igny8.local'}})
      const body = expectError(response, 400, 'Validation failed')
      expect(body.errors).to.deep.equal({password: ['This field is required.']})
      const empty = expectError(await call(sb, 'POST', paths.login, {body: {}}), 400)
      expect(Object.keys(empty.errors ?? {})).to.have.members(['email', 'password'])
    })

    it('answers 400 on a body that is not JSON', async () => {
      expectError(await call(sb, 'POST', paths.login, {raw: '{"email":'}), 400)
    })
  })

  describe('refresh', () => {
    it('rotates on both documented paths; a used refresh token is rejected', async () => {
      sb = await startTestSandbox()
      for (const path of paths.refresh) {
        // eslint-disable-next-line no-await-in-loop -- one path at a time: both rotate tokens in the same sandbox state (serial, revoked list), and a failure names its path
        await expectRotation(sb, path)
      }
    })

    it('answers 404 on a refresh path that is turned off', async () => {
      sb = await startTestSandbox({refreshPaths: ['auth/token/refresh/']})
      const pair = await login(sb)
      expectError(await call(sb, 'POST', 'auth/refresh/', {body: {refresh: pair.refresh}}), 404)
      expectOk(await call(sb, 'POST', 'auth/token/refresh/', {body: {refresh: pair.refresh}}), refreshDataSchema)
    })
  })

  describe('token expiry', () => {
    beforeEach(async () => {
      sb = await startTestSandbox()
    })

    it('rejects every access token issued before expire-tokens with "Token is expired"; new ones work', async () => {
      const pair = await login(sb)
      await expireTokens(sb, 'access')
      expectError(await call(sb, 'GET', paths.sites, {auth: bearer(pair.access)}), 401, 'Token is expired')
      const refreshed = expectOk(await call(sb, 'POST', paths.refresh[0], {body: {refresh: pair.refresh}}), refreshDataSchema) as {access: string}
      expect((await call(sb, 'GET', paths.sites, {auth: bearer(refreshed.access)})).status).to.equal(200)
    })

    it('rejects expired refresh tokens with 401', async () => {
      const pair = await login(sb)
      await expireTokens(sb, 'refresh')
      expectError(await call(sb, 'POST', paths.refresh[0], {body: {refresh: pair.refresh}}), 401, 'Token is expired')
      expect((await call(sb, 'GET', paths.sites, {auth: bearer(pair.access)})).status).to.equal(200)
    })

    it('lets tokens lapse on their own after the access TTL', async () => {
      await sb.close()
      sb = await startTestSandbox({accessTtlSeconds: 1})
      const pair = await login(sb)
      await new Promise((resolve) => {
        setTimeout(resolve, 2100)
      })
      expectError(await call(sb, 'GET', paths.sites, {auth: bearer(pair.access)}), 401, 'Token is expired')
    })

    it('rejects a missing, malformed or forged token', async () => {
      expectError(await call(sb, 'GET', paths.sites), 401, 'Authentication credentials were not provided.')
      expectError(await call(sb, 'GET', paths.sites, {auth: 'Basic abcd'}), 401)
      const pair = await login(sb)
      const [head, payload] = pair.access.split('.')
      expectError(await call(sb, 'GET', paths.sites, {auth: bearer(`${head}.${payload}.forgedsignature`)}), 401)
      expectError(await call(sb, 'GET', paths.sites, {auth: bearer(pair.refresh)}), 401)
    })
  })

  describe('site API keys', () => {
    it('accepts Bearer and ApiKey, as the owner scoped to the key\'s site', async () => {
      sb = await startTestSandbox({sites: 3})
      const site = sb.credentials.sites[1]!
      for (const scheme of ['Bearer', 'ApiKey']) {
        // eslint-disable-next-line no-await-in-loop -- the request log checked below must list the schemes in this order
        await expectSiteScopedKey(sb, scheme, site)
      }

      const log = await requests(sb, paths.sites)
      expect(log.map((entry) => [entry.authScheme, entry.authKind])).to.deep.equal([
        ['Bearer', 'api-key'],
        ['ApiKey', 'api-key'],
      ])
      expect(JSON.stringify(await requests(sb))).to.not.include(site.apiKey)
    })

    it('rejects a scheme that is turned off, and unknown or rotated keys', async () => {
      sb = await startTestSandbox({apiKeySchemes: ['ApiKey']})
      const site = sb.credentials.sites[0]!
      expectError(await call(sb, 'GET', paths.sites, {auth: `Bearer ${site.apiKey}`}), 401)
      expect((await call(sb, 'GET', paths.sites, {auth: `ApiKey ${site.apiKey}`})).status).to.equal(200)
      expectError(await call(sb, 'GET', paths.sites, {auth: 'ApiKey igny8_unknown'}), 401, 'Invalid API key.')
      const fresh = await revokeApiKey(sb, site.id)
      expect(fresh).to.match(/^igny8_\w+$/).and.not.equal(site.apiKey)
      expect(sb.credentials.sites[0]!.apiKey).to.equal(fresh)
      expectError(await call(sb, 'GET', paths.sites, {auth: `ApiKey ${site.apiKey}`}), 401)
      expect((await call(sb, 'GET', paths.sites, {auth: `ApiKey ${fresh}`})).status).to.equal(200)
      await sb.close()

      sb = await startTestSandbox({apiKeySchemes: ['Bearer']})
      const key = sb.credentials.sites[0]!.apiKey
      expectError(await call(sb, 'GET', paths.sites, {auth: `ApiKey ${key}`}), 401)
      expect((await call(sb, 'GET', paths.sites, {auth: `Bearer ${key}`})).status).to.equal(200)
    })
  })

  describe('roles', () => {
    it('lets a viewer list sites but answers 403 on integration endpoints', async () => {
      sb = await startTestSandbox()
      const {access} = await login(sb, 'viewer')
      const sites = expectBody(await call(sb, 'GET', paths.sites, {auth: bearer(access)}), pageEnvelope(siteSchema))
      expect(sites.count).to.equal(2)
      expect(sites.results[0]).to.not.have.property('wp_api_key')
      const id = sb.credentials.sites[0]!.integrationId!
      const answers = await Promise.all([paths.integrations, paths.integration(id), paths.contentTypes(id), paths.syncStatus(id)].map((path) => call(sb, 'GET', path, {auth: bearer(access)})))
      for (const answer of answers) expectError(answer, 403, 'You do not have permission to perform this action.')

      expectError(await call(sb, 'POST', paths.updateStructure(id), {auth: bearer(access), body: {}}), 403)
    })
  })
})
