/**
 * connect / auth status / auth logout as real processes against a real `igny8 sandbox serve`.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {allOutputs, runCli, tempConfigDir} from '../helpers/cli.js'
import {expireTokens, type SpawnedSandbox, spawnSandbox} from '../helpers/sandbox.js'

describe('e2e: connect and auth', function () {
  this.timeout(60_000)
  let sb: SpawnedSandbox
  let configDir: string
  const env = (): NodeJS.ProcessEnv => ({IGNY8_API_URL: sb.apiUrl})

  before(async () => {
    sb = await spawnSandbox(['--sites', '3', '--wp-url', 'http://127.0.0.1:8089'])
  })

  after(async () => {
    await sb?.stop()
  })

  beforeEach(() => {
    configDir = tempConfigDir()
  })

  const connectWithPassword = (extra: string[] = []) =>
    runCli(['connect', '--email', sb.credentials.email, '--password-stdin', ...extra], {env: env(), configDir, input: sb.credentials.password + '\n'})

  it('asks for --site when the login sees several sites, listing the choices (exit 2)', async () => {
    const run = await connectWithPassword()
    expect(run.code).to.equal(2)
    expect(run.stderr).to.include('choose one with --site')
    for (const site of sb.credentials.sites) expect(run.stderr).to.include(site.name)
    expect(fs.existsSync(path.join(configDir, 'config.json'))).to.equal(false)
  })

  it('connects with email + password, stores a 0600 profile, and auth status verifies it', async () => {
    const site = sb.credentials.sites[1]!
    const run = await connectWithPassword(['--site', site.domain, '--json'])
    expect(run.code, run.stderr).to.equal(0)
    const result = run.json()
    expect(result).to.deep.include({profile: 'default', apiUrl: sb.apiUrl, authMethod: 'jwt', integrationId: site.integrationId})
    expect(result.site).to.deep.include({id: site.id, name: site.name})
    expect(result.wordpressUrl).to.equal('http://127.0.0.1:8089')
    const file = path.join(configDir, 'config.json')
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600)
    expect(fs.statSync(configDir).mode & 0o777).to.equal(0o700)

    const status = await runCli(['auth', 'status', '--json'], {env: env(), configDir})
    expect(status.code, status.stderr).to.equal(0)
    expect(status.json()).to.deep.include({profile: 'default', authMethod: 'jwt', credentialSource: 'profile', valid: true, integrationId: site.integrationId})
  })

  it('connects with a site API key to that key\'s own site', async () => {
    const site = sb.credentials.sites[2]!
    const run = await runCli(['connect', '--api-key-stdin', '--profile', 'shop', '--json'], {env: env(), configDir, input: site.apiKey})
    expect(run.code, run.stderr).to.equal(0)
    expect(run.json()).to.deep.include({profile: 'shop', authMethod: 'api-key', integrationId: site.integrationId, user: null})
    const status = await runCli(['auth', 'status', '--profile', 'shop'], {env: env(), configDir})
    expect(status.code, status.stderr).to.equal(0)
    expect(status.stdout).to.include('site API key').and.include('valid')
  })

  it('refreshes an expired access token and saves the new one', async () => {
    await connectWithPassword(['--site', String(sb.credentials.sites[0]!.id)])
    const file = path.join(configDir, 'config.json')
    const before = JSON.parse(fs.readFileSync(file, 'utf8')).profiles.default.secrets.accessToken
    await expireTokens(sb, 'access')
    const status = await runCli(['auth', 'status', '--json'], {env: env(), configDir})
    expect(status.code, status.stderr).to.equal(0)
    const after = JSON.parse(fs.readFileSync(file, 'utf8')).profiles.default.secrets.accessToken
    expect(after).to.be.a('string').and.not.equal(before)
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600)
  })

  it('says "run igny8 connect" (exit 4) when the refresh token has expired too', async () => {
    await connectWithPassword(['--site', String(sb.credentials.sites[0]!.id)])
    await expireTokens(sb, 'all')
    const status = await runCli(['auth', 'status'], {env: env(), configDir})
    expect(status.code).to.equal(4)
    expect(status.stderr).to.include('igny8 connect')
    expect(status.stderr).to.not.match(/\n\s+at /)
  })

  it('auth status --all reports every profile; logout removes the secrets', async () => {
    await connectWithPassword(['--site', String(sb.credentials.sites[0]!.id)])
    await runCli(['connect', '--api-key-stdin', '--profile', 'key'], {env: env(), configDir, input: sb.credentials.sites[0]!.apiKey})
    const all = await runCli(['auth', 'status', '--all', '--json'], {env: env(), configDir})
    expect(all.code, all.stderr).to.equal(0)
    expect(all.json().map((s: {profile: string}) => s.profile)).to.deep.equal(['default', 'key'])

    const logout = await runCli(['auth', 'logout', '--profile', 'key'], {env: env(), configDir})
    expect(logout.code).to.equal(0)
    const stored = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')).profiles
    expect(stored.key.secrets).to.equal(undefined)
    expect(stored.key.integrationId).to.be.a('number')
    const status = await runCli(['auth', 'status', '--profile', 'key'], {env: env(), configDir})
    expect(status.code).to.equal(3)
    const statusAll = await runCli(['auth', 'status', '--all', '--json'], {env: env(), configDir})
    expect(statusAll.code).to.equal(3)
    expect(statusAll.json()).to.have.length(2)
  })

  it('rejects a wrong password with exit 4 and one clear line', async () => {
    const run = await runCli(['connect', '--email', sb.credentials.email, '--password-stdin'], {env: env(), configDir, input: 'wrong-password-123'})
    expect(run.code).to.equal(4)
    expect(run.stderr.split('\n')[0]).to.match(/^Error: Login failed/)
  })

  it('says which profile file is corrupt, exits 2 and leaves it byte-identical', async () => {
    const file = path.join(configDir, 'config.json')
    fs.writeFileSync(file, '{"profiles": {"default": {"apiUrl": ', {mode: 0o600})
    const run = await runCli(['auth', 'status'], {env: env(), configDir})
    expect(run.code).to.equal(2)
    expect(run.stderr).to.include(file)
    expect(fs.readFileSync(file, 'utf8')).to.equal('{"profiles": {"default": {"apiUrl": ')
    const version = await runCli(['--version'], {configDir})
    expect(version.code).to.equal(0)
  })

  it('never printed a secret', () => {
    const secrets = [sb.credentials.password, ...sb.credentials.sites.map((s) => s.apiKey)]
    const text = allOutputs.join('\n')
    for (const secret of secrets) expect(text.includes(secret), 'a secret leaked into an output').to.equal(false)
    expect(text).to.not.match(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/)
  })
})
