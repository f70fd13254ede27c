import {expect} from 'chai'

import {contentTypesDataSchema, pageEnvelope, paths, siteSchema, updateStructureDataSchema} from '../../../src/lib/backend/contract.js'
import {startSandbox} from '../../../src/lib/sandbox/index.js'
import {clearFaults, control, fault, requests, type Sandbox, startTestSandbox} from '../../helpers/sandbox.js'
import {bearer, call, expectBody, expectError, expectOk, expectThrottleHeaders, login} from './support.js'

const structure = {
  post_types: {post: {label: 'Posts', count: 3, enabled: true, fetch_limit: 100}},
  taxonomies: {},
  timestamp: '2025-11-22T10:00:00Z',
}

describe('sandbox: faults, throttling and routing', () => {
  let sb: Sandbox
  let auth: string

  beforeEach(async () => {
    sb = await startTestSandbox()
    auth = bearer((await login(sb)).access)
  })

  afterEach(async () => sb.close())

  it('answers a scripted status with its headers, `times` times, then the real thing', async () => {
    await fault(sb, {method: 'GET', path: '/auth/sites/', status: 429, headers: {'Retry-After': 1}, times: 2})
    for (let attempt = 0; attempt < 2; attempt++) {
      // eslint-disable-next-line no-await-in-loop -- the fault counts requests (`times: 2`): one after the other, in the order the request log below checks
      const response = await call(sb, 'GET', paths.sites, {auth})
      expectError(response, 429, 'Request was throttled.')
      expect(response.headers.get('retry-after')).to.equal('1')
    }

    expectBody(await call(sb, 'GET', paths.sites, {auth}), pageEnvelope(siteSchema))
    const log = await requests(sb, '/auth/sites/')
    expect(log.map((entry) => [entry.status, entry.fault ?? null])).to.deep.equal([
      [429, 'status'],
      [429, 'status'],
      [200, null],
    ])
  })

  it('only matches the given method and path', async () => {
    await fault(sb, {method: 'POST', path: '/auth/sites/', status: 500})
    expect((await call(sb, 'GET', paths.sites, {auth})).status).to.equal(200)
    await clearFaults(sb)
    await fault(sb, {path: 'content-types', status: 503})
    expect((await call(sb, 'GET', paths.sites, {auth})).status).to.equal(200)
    expectError(await call(sb, 'GET', paths.contentTypes(101), {auth}), 503)
  })

  it('sends a raw HTML body with its content type', async () => {
    await fault(sb, {path: '/auth/sites/', status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html'})
    const response = await call(sb, 'GET', paths.sites, {auth})
    expect(response.status).to.equal(502)
    expect(response.headers.get('content-type')).to.equal('text/html')
    expect(response.text).to.equal('<html><body>Bad Gateway</body></html>')
    expectThrottleHeaders(response)
    await fault(sb, {path: '/auth/sites/', status: 200, body: {unexpected: true}})
    const json = await call(sb, 'GET', paths.sites, {auth, anyBody: true})
    expect(json.body).to.deep.equal({unexpected: true})
    // contentType alone relabels the real answer.
    await fault(sb, {path: '/auth/sites/', contentType: 'text/html; charset=utf-8'})
    const relabelled = await call(sb, 'GET', paths.sites, {auth})
    expect(relabelled.headers.get('content-type')).to.equal('text/html; charset=utf-8')
    expectBody(relabelled, pageEnvelope(siteSchema))
  })

  it('drops the connection after half a body', async () => {
    await fault(sb, {path: '/auth/sites/', drop: true})
    let failure: unknown
    try {
      await call(sb, 'GET', paths.sites, {auth})
    } catch (error) {
      failure = error
    }

    expect(failure, 'the read should fail').to.be.instanceOf(Error)
    const [entry] = await requests(sb, '/auth/sites/')
    expect(entry).to.deep.include({fault: 'drop', status: null})
    expect((await call(sb, 'GET', paths.sites, {auth})).status).to.equal(200)
  })

  it('delays the real answer', async () => {
    await fault(sb, {path: '/auth/sites/', delayMs: 300})
    const started = Date.now()
    expectBody(await call(sb, 'GET', paths.sites, {auth}), pageEnvelope(siteSchema))
    expect(Date.now() - started).to.be.at.least(280)
  })

  it('hangs until the client gives up, and close() still returns', async () => {
    await fault(sb, {path: '/auth/sites/', hang: true})
    const started = Date.now()
    let failure: unknown
    try {
      await call(sb, 'GET', paths.sites, {auth, signal: AbortSignal.timeout(250)})
    } catch (error) {
      failure = error
    }

    expect((failure as Error)?.name).to.be.oneOf(['TimeoutError', 'AbortError'])
    expect(Date.now() - started).to.be.below(2000)
    const [entry] = await requests(sb, '/auth/sites/')
    expect(entry).to.deep.include({fault: 'hang', status: null})
    // A second hanging request left open must not keep close() waiting.
    await fault(sb, {path: '/auth/sites/', hang: true})
    const pending = call(sb, 'GET', paths.sites, {auth}).catch((error: unknown) => error)
    await new Promise((resolve) => {
      setTimeout(resolve, 50)
    })
    await sb.close()
    expect(await pending).to.be.instanceOf(Error)
  })

  it('applies the request, then answers the scripted failure (applyThenFail)', async () => {
    await fault(sb, {method: 'POST', path: '/update-structure/', applyThenFail: true, status: 502})
    expectError(await call(sb, 'POST', paths.updateStructure(101), {auth, body: structure}), 502)
    const types = expectOk(await call(sb, 'GET', paths.contentTypes(101), {auth}), contentTypesDataSchema)
    expect(types.post_types).to.have.key('post')
    expect(types.last_structure_fetch).to.be.a('string')
    // The retry a client would make succeeds and replaces the same structure.
    expectOk(await call(sb, 'POST', paths.updateStructure(101), {auth, body: structure}), updateStructureDataSchema)
    const log = await requests(sb, '/update-structure/')
    expect(log.map((entry) => entry.status)).to.deep.equal([502, 200])
  })

  it('applies the request, then drops the reply (applyThenFail + drop)', async () => {
    await fault(sb, {path: '/update-structure/', applyThenFail: true, drop: true})
    const failure = await call(sb, 'POST', paths.updateStructure(101), {auth, body: structure}).then(
      () => {},
      (error: unknown) => error,
    )
    expect(failure).to.be.instanceOf(Error)
    const types = expectOk(await call(sb, 'GET', paths.contentTypes(101), {auth}), contentTypesDataSchema)
    expect(types.post_types).to.have.key('post')
  })

  it('rejects an invalid fault spec', async () => {
    const response = await fetch(`${sb.url}/__sandbox/faults`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({path: 'x', stauts: 500})})
    expect(response.status).to.equal(400)
  })

  it('puts X-Throttle-* headers and a request_id on every answer', async () => {
    const first = await call(sb, 'GET', paths.sites, {auth})
    const second = await call(sb, 'GET', paths.sites, {auth})
    expectThrottleHeaders(first)
    expect(Number(second.headers.get('x-throttle-remaining'))).to.equal(Number(first.headers.get('x-throttle-remaining')) - 1)
    expect(Number(first.headers.get('x-throttle-reset'))).to.be.within(Date.now() / 1000, Date.now() / 1000 + 61)
    expect((first.body as {request_id: string}).request_id).to.not.equal((second.body as {request_id: string}).request_id)
  })

  it('enforces a per-minute rate limit when asked', async () => {
    await sb.close()
    sb = await startTestSandbox({rateLimitPerMinute: 3})
    const {access} = await login(sb)
    expect((await call(sb, 'GET', paths.sites, {auth: bearer(access)})).status).to.equal(200)
    const last = await call(sb, 'GET', paths.sites, {auth: bearer(access)})
    expect(last.headers.get('x-throttle-remaining')).to.equal('0')
    const throttled = await call(sb, 'GET', paths.sites, {auth: bearer(access)})
    expectError(throttled, 429)
    expect(throttled.headers.get('x-throttle-limit')).to.equal('3')
    expect(Number(throttled.headers.get('retry-after'))).to.be.within(1, 60)
  })

  it('answers 404 on unknown routes, 405 on a wrong method, and redirects a GET missing its slash', async () => {
    expectError(await call(sb, 'GET', 'nowhere/', {auth}), 404, 'Not found.')
    const wrong = await call(sb, 'DELETE', paths.integration(101), {auth})
    expectError(wrong, 405)
    expect(wrong.headers.get('allow')).to.equal('GET')
    expectError(await call(sb, 'GET', paths.login), 405)
    const redirect = await call(sb, 'GET', 'auth/sites?page=1', {auth})
    expect(redirect.status).to.equal(301)
    expect(redirect.headers.get('location')).to.equal('/api/v1/auth/sites/?page=1')
  })

  it('offers the control hooks only with control on', async () => {
    expect(await control(sb, 'GET', 'state')).to.have.property('sites')
    const plain = await startSandbox({port: 0})
    try {
      const hooks = [
        ['GET', 'state'],
        ['POST', 'faults'],
        ['GET', 'requests'],
        ['POST', 'expire-tokens'],
      ] as const
      const responses = await Promise.all(hooks.map(([method, hook]) => call(plain, method, `${plain.url}/__sandbox/${hook}`, {body: method === 'POST' ? {} : undefined})))
      for (const response of responses) expectError(response, 404)
    } finally {
      await plain.close()
    }
  })
})
