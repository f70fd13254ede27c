import {expect} from 'chai'
import nock from 'nock'

import {BackendClient} from '../../../src/lib/backend/client.js'
import {maskSecretFields, MAX_TRACE_BODY, traceBody} from '../../../src/lib/http/debug-body.js'
import {defaultHttpSettings, type HttpSettings} from '../../../src/lib/http/http-client.js'
import {registerSecret} from '../../../src/lib/secrets.js'

const API = 'https://api.igny8.test/api/v1'
const HOST = 'https://api.igny8.test'

function traced(traceBodies: boolean): {lines: string[]; http: HttpSettings} {
  const lines: string[] = []
  return {lines, http: {...defaultHttpSettings('igny8-test', (line) => lines.push(line)), retries: 0, traceBodies}}
}

describe('the --debug trace', () => {
  it('shows the backend\'s request id on each line: the X-Request-Id header, else the body\'s request_id', async () => {
    nock(HOST)
      .get('/api/v1/auth/sites/')
      .reply(200, {success: true, count: 0, next: null, results: []}, {'X-Request-Id': 'hdr-42'})
      .get('/api/v1/integration/integrations/7/content-types/')
      .reply(200, {success: true, data: {post_types: {}, taxonomies: {}}, request_id: 'body-7'})
    const {lines, http} = traced(false)
    const client = new BackendClient({apiUrl: API, auth: {kind: 'api-key', key: 'igny8_tracekey0123456789', scheme: 'Bearer'}, http})
    await client.listSites()
    await client.contentTypes(7)
    expect(lines).to.have.length(2)
    expect(lines[0]).to.match(/^GET https:\/\/api\.igny8\.test\/api\/v1\/auth\/sites\/ → 200 in \d+ ms \[authorization: Bearer \*\*\*\] \[request id: hdr-42\]$/)
    expect(lines[1]).to.match(/content-types\/ → 200 in \d+ ms .*\[request id: body-7\]$/)
    expect(lines.join('\n'), 'no body without IGNY8_DEBUG=body').to.not.include('body:')
  })

  it('with bodies (IGNY8_DEBUG=body): the request and response bodies, every secret field masked', async () => {
    const password = 'correct horse battery staple'
    registerSecret(password)
    nock(HOST)
      .post('/api/v1/auth/login/')
      .reply(200, {
        success: true,
        data: {user: {id: 1, email: 'ops@example.com'}, access: 'opaque-access-value', refresh: 'opaque-refresh-value'},
        request_id: 'login-1',
      })
    const {lines, http} = traced(true)
    const client = new BackendClient({apiUrl: API, auth: {kind: 'none'}, http})
    await client.login('ops@example.com', password)
    const all = lines.join('\n')
    expect(lines[0]).to.include('[request id: login-1]')
    expect(lines[1]).to.equal('  request body: {"email":"ops@example.com","password":"***"}')
    expect(lines[2]).to.equal('  response body: {"success":true,"data":{"user":{"id":1,"email":"ops@example.com"},"access":"***","refresh":"***"},"request_id":"login-1"}')
    for (const secret of [password, 'opaque-access-value', 'opaque-refresh-value']) expect(all).to.not.include(secret)
  })

  it('masks secret fields by name at any depth, keeps the shape of an object under a secret name', () => {
    expect(
      maskSecretFields({sites: [{id: 1, wp_api_key: 'k-1', config: {api_key: 'k-2', Secret: 's', token: null}}], tokens: {access: 'a', refresh: 'r'}, key: 7, name: 'Blog'}),
    ).to.deep.equal({sites: [{id: 1, wp_api_key: '***', config: {api_key: '***', Secret: '***', token: null}}], tokens: {access: '***', refresh: '***'}, key: '***', name: 'Blog'})
  })

  it('keeps a body to one line and cuts it at 4 KiB, saying so; masks token-shaped text in non-JSON bodies', () => {
    const html = `<html>\n<body>${'x'.repeat(10_000)}</body>\n</html>`
    const line = traceBody(html)
    expect(line).to.not.include('\n')
    expect(line).to.match(new RegExp(`… \\(cut at ${MAX_TRACE_BODY} of \\d+ bytes\\)$`))
    expect(Buffer.byteLength(line)).to.be.below(MAX_TRACE_BODY + 64)
    expect(traceBody('Authorization: Bearer igny8_Zq9TracE7kXw2LmN4pR8sV')).to.equal('Authorization: Bearer ***')
    expect(traceBody('{"note": "see igny8_Zq9TracE7kXw2LmN4pR8sW"}')).to.equal('{"note":"see ***"}')
    expect(traceBody('')).to.equal('(empty)')
  })
})
