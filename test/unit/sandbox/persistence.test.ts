import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {contentTypesDataSchema, pageEnvelope, paths, refreshDataSchema, siteSchema, updateStructureDataSchema} from '../../../src/lib/backend/contract.js'
import {SandboxStateError} from '../../../src/lib/sandbox/index.js'
import {expireTokens, type Sandbox, startTestSandbox} from '../../helpers/sandbox.js'
import {bearer, call, expectBody, expectError, expectOk, login} from './support.js'

describe('sandbox: state file', () => {
  let dir: string
  let statePath: string
  let sb: Sandbox | undefined

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-sandbox-'))
    statePath = path.join(dir, 'nested', 'state.json')
  })

  afterEach(async () => {
    await sb?.close()
    sb = undefined
    fs.rmSync(dir, {recursive: true, force: true})
  })

  it('keeps credentials, structure and tokens across a restart', async () => {
    sb = await startTestSandbox({statePath, sites: 3})
    const first = sb.credentials
    const pair = await login(sb)
    const pushed = expectOk(
      await call(sb, 'POST', paths.updateStructure(101), {
        auth: bearer(pair.access),
        body: {post_types: {post: {label: 'Posts', count: 9, enabled: true, fetch_limit: 100}}, taxonomies: {}, timestamp: '2025-11-22T10:00:00Z'},
      }),
      updateStructureDataSchema,
    )
    expect(fs.statSync(statePath).mode & 0o777).to.equal(0o600)
    expect(fs.readdirSync(path.dirname(statePath))).to.deep.equal(['state.json'])
    await sb.close()

    // Options that only seed are ignored once a state exists.
    sb = await startTestSandbox({statePath, sites: 1})
    expect(sb.credentials).to.deep.equal(first)
    const types = expectOk(await call(sb, 'GET', paths.contentTypes(101), {auth: bearer(pair.access)}), contentTypesDataSchema)
    expect(types.post_types?.post?.count).to.equal(9)
    expect(types.last_structure_fetch).to.equal(pushed.last_structure_fetch)
    expectBody(await call(sb, 'GET', paths.sites, {auth: `ApiKey ${first.sites[2]!.apiKey}`}), pageEnvelope(siteSchema))
    expectOk(await call(sb, 'POST', paths.refresh[0], {body: {refresh: pair.refresh}}), refreshDataSchema)
  })

  it('remembers token expiry and rotations across a restart', async () => {
    sb = await startTestSandbox({statePath})
    const pair = await login(sb)
    await expireTokens(sb, 'access')
    await sb.close()
    sb = await startTestSandbox({statePath})
    expectError(await call(sb, 'GET', paths.sites, {auth: bearer(pair.access)}), 401, 'Token is expired')
    const fresh = await login(sb)
    expect((await call(sb, 'GET', paths.sites, {auth: bearer(fresh.access)})).status).to.equal(200)
  })

  it('points the integrations at explicitly given WordPress URLs on restart', async () => {
    sb = await startTestSandbox({statePath, wpUrls: ['http://old.test']})
    await sb.close()
    sb = await startTestSandbox({statePath, wpUrls: ['http://new.test']})
    const auth = bearer((await login(sb)).access)
    const body = (await call(sb, 'GET', paths.integration(101), {auth})).body as {data: {external_site_url: string}}
    expect(body.data.external_site_url).to.equal('http://new.test')
  })

  for (const [name, content] of [
    ['not JSON', '{"version": 1,'],
    ['JSON of the wrong shape', JSON.stringify({version: 1, sites: 'many'})],
  ] as const) {
    it(`refuses a state file that is ${name}, leaving it untouched`, async () => {
      fs.mkdirSync(path.dirname(statePath), {recursive: true})
      fs.writeFileSync(statePath, content, {mode: 0o644})
      const before = fs.statSync(statePath)
      let failure: unknown
      try {
        sb = await startTestSandbox({statePath})
      } catch (error) {
        failure = error
      }

      expect(failure).to.be.instanceOf(SandboxStateError)
      expect((failure as SandboxStateError).exitCode).to.equal(2)
      expect((failure as Error).message).to.include(statePath).and.include('left untouched')
      expect(fs.readFileSync(statePath, 'utf8')).to.equal(content)
      expect(fs.statSync(statePath).mtimeMs).to.equal(before.mtimeMs)
      expect(fs.readdirSync(path.dirname(statePath))).to.deep.equal(['state.json'])
    })
  }
})
