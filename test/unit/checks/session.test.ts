import {expect} from 'chai'

import type {Integration, Site} from '../../../src/lib/backend/contract.js'
import type {Profile} from '../../../src/lib/config/profile-store.js'
import type {BackendContext} from '../../../src/lib/connection/backend-context.js'

import {type CheckEnvironment, once, RunSession} from '../../../src/lib/checks/session.js'
import {defaultHttpSettings} from '../../../src/lib/http/http-client.js'

const profile: Profile = {
  authMethod: 'jwt',
  site: {id: 1, name: 'Own'},
  integrationId: 101,
  wordpressUrl: 'https://own.example',
  wpUser: 'editor',
  secrets: {wpAppPassword: 'abcd efgh ijkl mnop', apiKey: 'igny8_own_site_key'},
}

function session(authMethod: 'jwt' | 'api-key', sites: Site[], flags: Partial<CheckEnvironment['gather']['flags']> = {}): RunSession {
  const env: CheckEnvironment = {
    profileName: 'default',
    openBackend: async () => ({authMethod}) as BackendContext,
    readProfile: () => profile,
    gather: {
      flags: {source: 'auto', 'wp-app-password-stdin': false, concurrency: 8, 'allow-http': false, ...flags},
      // flag > stored, as BaseCommand.setting() resolves it (no environment in this test).
      context: async () => ({setting: (_name, sources) => ({value: sources.flag ?? sources.stored}), notice() {}, profileName: 'default', profile}),
    },
    http: defaultHttpSettings('igny8-test'),
  }
  const run = new RunSession(env)
  run.context = {authMethod} as BackendContext
  run.sites = sites
  return run
}

const integration = (id: number, url: string | null): Integration => ({id, platform: 'wordpress', external_site_url: url})

describe('checks: a fleet site\'s WordPress inputs', () => {
  const sites: Site[] = [
    {id: 1, name: 'Own'},
    {id: 2, name: 'Other'},
  ]

  it('the profile\'s own site gets its WordPress credentials and site API key, at its integration\'s URL', async () => {
    const inputs = await session('jwt', sites).fleetInputs(sites[0]!, integration(101, 'https://own.example/blog'))
    expect(inputs.siteUrl.href).to.equal('https://own.example/blog/')
    expect(inputs.credentials).to.deep.equal({user: 'editor', password: 'abcd efgh ijkl mnop'})
    expect(inputs.apiKey).to.equal('igny8_own_site_key')
  })

  it('any other site is read anonymously: no secret of one site is sent to another', async () => {
    const inputs = await session('jwt', sites, {enable: ['product'], 'fetch-limit': ['post=10']}).fleetInputs(sites[1]!, integration(102, 'https://other.example'))
    expect(inputs.siteUrl.href).to.equal('https://other.example/')
    expect(inputs.credentials).to.equal(undefined)
    expect(inputs.apiKey).to.equal(undefined)
    expect(inputs.overrides.enable.has('product')).to.equal(true)
    expect(inputs.overrides.fetchLimits.get('post')).to.equal(10)
  })

  it('a site API key is its site\'s only when the key sees that one site', async () => {
    const one = await session('api-key', [{id: 7, name: 'Keyed'}]).fleetInputs({id: 7, name: 'Keyed'}, integration(107, 'https://keyed.example'))
    expect(one.apiKey).to.equal('igny8_own_site_key')
    const several = await session('api-key', [...sites, {id: 7, name: 'Keyed'}]).fleetInputs({id: 7, name: 'Keyed'}, integration(107, 'https://keyed.example'))
    expect(several.apiKey).to.equal(undefined)
  })

  it('an integration without a WordPress URL is "not connected", with a hint', async () => {
    await session('jwt', sites)
      .fleetInputs(sites[1]!, integration(102, null))
      .then(
        () => expect.fail('should reject'),
        (error: {exitCode: number; message: string; hint: string}) => {
          expect(error.exitCode).to.equal(3)
          expect(error.message).to.equal('Integration 102 has no WordPress URL (external_site_url).')
          expect(error.hint).to.include('IGNY8 app')
        },
      )
  })

  it('once() runs its work a single time for every caller', async () => {
    let runs = 0
    const value = once(async () => ++runs)
    expect(await Promise.all([value(), value(), value()])).to.deep.equal([1, 1, 1])
    expect(runs).to.equal(1)
  })
})
