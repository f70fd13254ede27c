/**
 * `igny8 auth status` as a real process against a real sandbox: it shows what a command would use —
 * the environment included — and where each value came from, never the profile's values it overrides.
 */
import {expect} from 'chai'

import {runCli, tempConfigDir} from '../helpers/cli.js'
import {type SpawnedSandbox, spawnSandbox} from '../helpers/sandbox.js'

describe('e2e: auth status shows what will be used', function () {
  this.timeout(60_000)
  let sb: SpawnedSandbox
  let configDir: string

  before(async () => {
    sb = await spawnSandbox(['--sites', '3'])
    configDir = tempConfigDir()
    // Profile "default": the owner, on site 2 with integration 102.
    const site = sb.credentials.sites[1]!
    const run = await runCli(['connect', '--email', sb.credentials.email, '--password-stdin', '--site', String(site.id)], {
      env: {IGNY8_API_URL: sb.apiUrl},
      configDir,
      input: sb.credentials.password,
    })
    expect(run.code, run.stderr).to.equal(0)
  })

  after(async () => {
    await sb?.stop()
  })

  it('IGNY8_INTEGRATION_ID: warns about the override and shows that integration, with its source', async () => {
    const [stored, other] = [sb.credentials.sites[1]!.integrationId, sb.credentials.sites[2]!.integrationId]
    const text = await runCli(['auth', 'status'], {configDir, env: {IGNY8_INTEGRATION_ID: String(other)}})
    expect(text.code, text.stderr).to.equal(0)
    expect(text.stderr).to.include(`IGNY8_INTEGRATION_ID overrides the integration stored in the profile (${stored})`)
    expect(text.stdout).to.include(`Integration:   ${other} (IGNY8_INTEGRATION_ID)`)
    expect(text.stdout).to.not.include(`Integration:   ${stored}`)
    expect(text.stdout).to.include(`API URL:       ${sb.apiUrl} (profile)`)

    const json = (await runCli(['auth', 'status', '--json'], {configDir, env: {IGNY8_INTEGRATION_ID: String(other)}})).json()
    expect(json).to.deep.include({integrationId: other, credentialSource: 'profile', valid: true})
    expect(json.sources).to.deep.include({apiUrl: 'profile', credentials: 'profile', integrationId: 'env', site: 'profile', user: 'profile'})
  })

  it('another site\'s key in IGNY8_API_KEY: the key\'s site as IGNY8 lists it, and no user', async () => {
    const profileSite = sb.credentials.sites[1]!
    const keySite = sb.credentials.sites[2]!
    const text = await runCli(['auth', 'status'], {configDir, env: {IGNY8_API_KEY: keySite.apiKey}})
    expect(text.code, text.stderr).to.equal(0)
    expect(text.stdout).to.include('Auth:          site API key (credentials from IGNY8_API_KEY)')
    expect(text.stdout).to.include(`Site:          ${keySite.name} (id ${keySite.id}; the site of IGNY8_API_KEY)`)
    expect(text.stdout).to.not.include('User:').and.not.include(sb.credentials.email).and.not.include(profileSite.name)
    expect(text.stderr).to.include(`IGNY8_API_KEY is the key of site ${keySite.id} "${keySite.name}", not of the profile's site ${profileSite.id}`)

    const json = (await runCli(['auth', 'status', '--json'], {configDir, env: {IGNY8_API_KEY: keySite.apiKey}})).json()
    expect(json).to.deep.include({authMethod: 'api-key', credentialSource: 'env', user: null, tokenExpiresAt: null})
    expect(json.site).to.deep.include({id: keySite.id, name: keySite.name})
    expect(json.sources).to.deep.include({credentials: 'env', user: null, site: 'backend'})
  })
})
