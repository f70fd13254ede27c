import {expect} from 'chai'
import nock from 'nock'

import type {CliError} from '../../../src/lib/errors.js'

import {createHttp, defaultHttpSettings} from '../../../src/lib/http/http-client.js'
import {redact} from '../../../src/lib/secrets.js'
import {WordPressClient} from '../../../src/lib/wordpress/client.js'
import {RestRoot} from '../../../src/lib/wordpress/rest-root.js'
import {WordPressTransport} from '../../../src/lib/wordpress/transport.js'
import {SITE, TYPES, wpError} from './fake-site.js'

const root = new RestRoot(`${SITE}/wp-json/`)

async function client(credentials?: {user: string; password: string}) {
  return new WordPressClient(new WordPressTransport(createHttp(defaultHttpSettings('test'))), root, credentials)
}

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise
  } catch (error) {
    return error as CliError
  }

  throw new Error('expected a rejection')
}

const count = (path: string) => nock(SITE).get(`/wp-json/${path}`).query({per_page: '1', _fields: 'id'})

describe('WordPressClient', () => {
  describe('countCollection', () => {
    it('reads X-WP-Total of a per_page=1 request', async () => {
      count('wp/v2/tags').reply(200, [{id: 9}], {'x-wp-total': '102', 'x-wp-totalpages': '102'})
      expect(await (await client()).countCollection('wp/v2/tags')).to.deep.equal({ok: true, count: 102})
    })

    it('counts an empty collection as 0', async () => {
      count('wp/v2/blocks').reply(200, [], {'x-wp-total': '0', 'x-wp-totalpages': '0'})
      expect(await (await client()).countCollection('wp/v2/blocks')).to.deep.equal({ok: true, count: 0})
    })

    it('returns 401/403 as an outcome with the WordPress code', async () => {
      count('wp/v2/menus').reply(401, wpError('rest_cannot_view', 'Sorry, you are not allowed to view menus.', 401))
      expect(await (await client()).countCollection('wp/v2/menus')).to.deep.equal({
        ok: false,
        status: 401,
        error: {code: 'rest_cannot_view', message: 'Sorry, you are not allowed to view menus.'},
      })
    })

    it('exits 7 without X-WP-Total, or with a garbled one', async () => {
      count('wp/v2/tags').reply(200, [{id: 9}])
      const missing = await rejection((await client()).countCollection('wp/v2/tags'))
      expect(missing).to.include({exitCode: 7, code: 'wordpress_missing_total'})
      expect(missing.hint).to.include('proxy')
      count('wp/v2/tags').reply(200, [{id: 9}], {'x-wp-total': 'many'})
      expect((await rejection((await client()).countCollection('wp/v2/tags'))).message).to.include('"many"')
    })

    it('exits 7 when the collection is not a list', async () => {
      count('wp/v2/tags').reply(200, {id: 9}, {'x-wp-total': '1'})
      expect(await rejection((await client()).countCollection('wp/v2/tags'))).to.include({exitCode: 7, code: 'wordpress_bad_shape'})
    })

    it('exits 5 when a route answers HTML with 200 (a cache or REST switched off)', async () => {
      count('wp/v2/tags').reply(200, '<html></html>', {'content-type': 'text/html; charset=UTF-8'})
      const error = await rejection((await client()).countCollection('wp/v2/tags'))
      expect(error).to.include({exitCode: 5, code: 'wordpress_rest_unavailable'})
      expect(error.message).to.equal(`/wp/v2/tags answered 200 text/html instead of JSON: the REST API at ${SITE}/wp-json/ is not working.`)
    })

    it('exits 5 on a WordPress error other than 401/403, after got\'s retries for 5xx', async () => {
      count('wp/v2/tags').times(4).reply(500, wpError('internal_server_error', 'There has been a critical error on this website.', 500))
      const error = await rejection((await client()).countCollection('wp/v2/tags'))
      expect(error).to.include({exitCode: 5, code: 'wordpress_rest_error'})
      expect(error.message).to.equal('/wp/v2/tags failed: 500 internal_server_error: There has been a critical error on this website.')
    })
  })

  describe('types and taxonomies', () => {
    it('never asks for _fields on the keyed collections', async () => {
      nock(SITE).get('/wp-json/wp/v2/types').reply(200, TYPES)
      expect(Object.keys(await (await client()).postTypes())).to.include('product')
    })

    it('exits 7 for the array WordPress answers when _fields breaks the keyed object', async () => {
      nock(SITE).get('/wp-json/wp/v2/types').reply(200, [])
      const error = await rejection((await client()).postTypes())
      expect(error).to.include({exitCode: 7, code: 'wordpress_bad_shape'})
      expect(error.message).to.include('/wp/v2/types answered in an unexpected shape')
    })

    it('exits 7 for an entry without rest_base', async () => {
      nock(SITE).get('/wp-json/wp/v2/taxonomies').reply(200, {category: {name: 'Categories', slug: 'category'}})
      expect((await rejection((await client()).taxonomies())).message).to.include('category.rest_base')
    })
  })

  describe('credentials', () => {
    const credentials = {user: 'editor', password: 'Secr etPa ssw0 rdxx'}
    const basic = `Basic ${Buffer.from('editor:Secr etPa ssw0 rdxx').toString('base64')}`

    it('sends Basic auth and registers the password and the token for redaction', async () => {
      nock(SITE, {reqheaders: {authorization: basic}}).get('/wp-json/wp/v2/users/me').query({_fields: 'id,name,slug'}).reply(200, {id: 3, name: 'Ed', slug: 'editor'})
      const wp = await client(credentials)
      expect(await wp.verifyCredentials()).to.deep.equal({id: 3, name: 'Ed', slug: 'editor'})
      expect(redact(`x ${credentials.password} ${basic.slice(6)} SecretPassw0rdxx`)).to.equal('x *** *** ***')
    })

    it('exits 4 for a 403 on users/me too', async () => {
      nock(SITE).get('/wp-json/wp/v2/users/me').query(true).reply(403, wpError('rest_forbidden', 'Sorry, you are not allowed to do that.', 403))
      expect(await rejection((await client(credentials)).verifyCredentials(true))).to.include({exitCode: 4, code: 'wordpress_auth_rejected'})
    })

    it('exits 5 naming the WordPress code when a security plugin hides users/me (404 rest_no_route)', async () => {
      nock(SITE).get('/wp-json/wp/v2/users/me').query(true).reply(404, wpError('rest_no_route', 'No route was found matching the URL and request method.', 404))
      const error = await rejection((await client(credentials)).verifyCredentials(true))
      expect(error).to.include({exitCode: 5, code: 'wordpress_users_route_hidden'})
      expect(error.message).to.equal(
        'WordPress has no /wp/v2/users/me route (404 rest_no_route: No route was found matching the URL and request method.), so the application password of user "editor" cannot be verified.',
      )
      expect(error.message).to.not.include('unexpected shape')
      expect(error.hint).to.include('security plugin').and.include('anonymously').and.include('allow /wp/v2/users/me')
    })

    it('exits 5 (a WordPress failure, not a shape problem) when users/me answers another error', async () => {
      nock(SITE).get('/wp-json/wp/v2/users/me').query(true).reply(400, wpError('rest_invalid_param', 'Invalid parameter(s): _fields', 400))
      const error = await rejection((await client(credentials)).verifyCredentials(true))
      expect(error).to.include({exitCode: 5, code: 'wordpress_rest_error'})
      expect(error.message).to.include('400 rest_invalid_param')
    })

    it('exits 4 (not 5) when an authenticated user may not read a route', async () => {
      nock(SITE).get('/wp-json/wp/v2/types').reply(403, wpError('rest_forbidden', 'Sorry, you are not allowed to do that.', 403))
      const error = await rejection((await client(credentials)).postTypes())
      expect(error).to.include({exitCode: 4, code: 'wordpress_forbidden'})
      expect(error.message).to.equal('WordPress refused /wp/v2/types to user "editor" (403 rest_forbidden: Sorry, you are not allowed to do that.).')
    })

    it('refuses to follow an https → http redirect with credentials', async () => {
      nock(SITE).get('/wp-json/wp/v2/types').reply(301, '', {location: 'http://wp.example/wp-json/wp/v2/types'})
      const error = await rejection((await client(credentials)).postTypes())
      expect(error).to.include({exitCode: 5, code: 'wordpress_insecure_redirect'})
    })
  })

  describe('transport failures', () => {
    it('maps a refused connection to exit 5 at once (no retries)', async () => {
      nock(SITE).get('/wp-json/wp/v2/types').replyWithError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}))
      const wp = await client()
      const error = await rejection(wp.postTypes())
      expect(error).to.include({exitCode: 5, code: 'wordpress_unreachable'})
      expect(error.hint).to.include('listening')
      expect(wp.transport.requests).to.equal(1)
    })

    it('maps TLS failures to exit 5 with the CA hint', async () => {
      nock(SITE).get('/wp-json/wp/v2/types').replyWithError(Object.assign(new Error('certificate has expired'), {code: 'CERT_HAS_EXPIRED'}))
      const error = await rejection((await client()).postTypes())
      expect(error).to.include({exitCode: 5, code: 'wordpress_tls'})
      expect(error.hint).to.include('NODE_EXTRA_CA_CERTS')
    })

    it('says "this port speaks plain HTTP, not TLS" for https:// on a plain-http port, not a certificate problem', async () => {
      const wrongVersion = 'write EPROTO 808C0ED8E17F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n'
      nock(SITE).get('/wp-json/wp/v2/types').replyWithError(Object.assign(new Error(wrongVersion), {code: 'EPROTO'}))
      const error = await rejection((await client()).postTypes())
      expect(error).to.include({exitCode: 5, code: 'wordpress_tls'})
      expect(error.message).to.equal('Cannot reach WordPress: https://wp.example cannot work: this port speaks plain HTTP, not TLS.')
      expect(error.hint).to.include('http://wp.example').and.include('--allow-http').and.not.include('NODE_EXTRA_CA_CERTS')
    })

    it('retries a reset connection', async () => {
      nock(SITE).get('/wp-json/wp/v2/types').replyWithError(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))
      nock(SITE).get('/wp-json/wp/v2/types').reply(200, TYPES)
      const wp = await client()
      await wp.postTypes()
      expect(wp.transport.requests).to.equal(2)
    })
  })
})
