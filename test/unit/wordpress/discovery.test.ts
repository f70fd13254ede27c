import {expect} from 'chai'
import nock from 'nock'

import {CliError} from '../../../src/lib/errors.js'
import {createHttp, defaultHttpSettings} from '../../../src/lib/http/http-client.js'
import {apiLinkFromHeader, RestDiscovery} from '../../../src/lib/wordpress/discovery.js'
import {WordPressTransport, type WpResponse} from '../../../src/lib/wordpress/transport.js'
import {homeHtml, HTML, INDEX, INDEX_FIELDS, SITE, wpError} from './fake-site.js'

async function discover(url = `${SITE}/`) {
  const transport = new WordPressTransport(createHttp(defaultHttpSettings('test')))
  const discovery = await new RestDiscovery(transport).discover(new URL(url))
  return {discovery, requests: transport.requests}
}

async function failure(url = `${SITE}/`): Promise<CliError> {
  try {
    await discover(url)
  } catch (error) {
    return error as CliError
  }

  throw new Error('discovery did not fail')
}

/** A page whose Link header is `link`. */
const response = (link: string | string[]): WpResponse => ({url: `${SITE}/page/`, status: 200, headers: {link} as WpResponse['headers'], body: ''})

describe('WordPress discovery', () => {
  describe('RestDiscovery', () => {
    it('follows the Link header and reads the trimmed index (2 requests)', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), {...HTML, link: `<${SITE}/wp-json/>; rel="https://api.w.org/"`})
      nock(SITE).get('/wp-json/').query({_fields: INDEX_FIELDS}).reply(200, INDEX)
      const {discovery, requests} = await discover()
      expect(discovery.via).to.equal('link-header')
      expect(discovery.root.url).to.equal(`${SITE}/wp-json/`)
      expect(discovery.index?.namespaces).to.include('wp/v2')
      expect(requests).to.equal(2)
    })

    it('follows a plain-permalink Link header to index.php?rest_route=/', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), {...HTML, link: `<${SITE}/index.php?rest_route=/>; rel="https://api.w.org/"`})
      nock(SITE).get('/index.php').query({rest_route: '/', _fields: INDEX_FIELDS}).reply(200, INDEX)
      const {discovery} = await discover()
      expect(discovery.root.form).to.equal('query')
      expect(discovery.root.route('wp/v2/types')).to.equal(`${SITE}/index.php?rest_route=/wp/v2/types`)
    })

    it('uses the <link> tag when a proxy dropped the header', async () => {
      nock(SITE).get('/').reply(200, homeHtml({linkTag: `${SITE}/wp-json/`}), HTML)
      nock(SITE).get('/wp-json/').query(true).reply(200, INDEX)
      const {discovery} = await discover()
      expect(discovery.via).to.equal('link-tag')
    })

    it('falls back to /wp-json/ when nothing is advertised', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), HTML)
      nock(SITE).get('/wp-json/').query(true).reply(200, INDEX)
      const {discovery} = await discover()
      expect(discovery.via).to.equal('wp-json')
    })

    it('falls back to ?rest_route=/ when /wp-json/ answers the HTML front page (plain permalinks)', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), HTML)
      nock(SITE).get('/wp-json/').query(true).reply(301, '', {location: `${SITE}/wp-json/?_fields=${INDEX_FIELDS}&x=1`})
      nock(SITE).get('/wp-json/').query(true).reply(200, homeHtml(), HTML)
      nock(SITE).get('/').query({rest_route: '/', _fields: INDEX_FIELDS}).reply(200, INDEX)
      const {discovery, requests} = await discover()
      expect(discovery.via).to.equal('rest_route')
      expect(discovery.root.url).to.equal(`${SITE}/?rest_route=/`)
      expect(requests).to.equal(4) // home, /wp-json/ + its redirect, ?rest_route=/
    })

    it('resolves candidates against the final URL after a redirect (http → https) and a sub-folder', async () => {
      nock('http://wp.example').get('/blog/').reply(301, '', {location: `${SITE}/blog/`})
      nock(SITE).get('/blog/').reply(200, homeHtml(), HTML)
      nock(SITE).get('/blog/wp-json/').query(true).reply(200, INDEX)
      const {discovery} = await discover('http://wp.example/blog/')
      expect(discovery.root.url).to.equal(`${SITE}/blog/wp-json/`)
    })

    it('accepts a root that answers a WordPress error (login-only REST)', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), {...HTML, link: `<${SITE}/wp-json/>; rel="https://api.w.org/"`})
      nock(SITE).get('/wp-json/').query(true).reply(401, wpError('rest_not_logged_in', 'You are not currently logged in.', 401))
      const {discovery} = await discover()
      expect(discovery.index).to.equal(undefined)
      expect(discovery.indexError).to.deep.equal({status: 401, error: {code: 'rest_not_logged_in', message: 'You are not currently logged in.'}})
    })

    it('skips an advertised root that answers HTML and finds the working one', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), {...HTML, link: `<${SITE}/api/>; rel="https://api.w.org/"`})
      nock(SITE).get('/api/').query(true).reply(200, homeHtml(), HTML)
      nock(SITE).get('/wp-json/').query(true).reply(200, INDEX)
      const {discovery} = await discover()
      expect(discovery.via).to.equal('wp-json')
    })

    it('exits 5 naming every attempt when a WordPress site answers HTML everywhere', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), HTML)
      nock(SITE).get('/wp-json/').query(true).reply(200, homeHtml(), HTML)
      nock(SITE).get('/').query(true).reply(200, homeHtml(), HTML)
      const error = await failure()
      expect(error.exitCode).to.equal(5)
      expect(error.code).to.equal('wordpress_rest_unavailable')
      expect(error.message).to.equal(
        `${SITE}/ runs WordPress 6.1.9 but its REST API does not answer JSON (tried /wp-json/ ${SITE}/wp-json/ answered 200 text/html; ?rest_route=/ ${SITE}/?rest_route=/ answered 200 text/html).`,
      )
    })

    it('exits 5 for JSON that is not a WordPress index (another app at /wp-json/)', async () => {
      nock(SITE).get('/').reply(200, '<html>SPA</html>', HTML)
      nock(SITE).get('/wp-json/').query(true).reply(200, {hello: 'world'})
      nock(SITE).get('/').query(true).reply(404, {error: 'not found'})
      const error = await failure()
      expect(error.code).to.equal('not_wordpress')
      expect(error.message).to.include('answered JSON that is not a WordPress REST index')
    })

    it('exits 7 when the index promises JSON and sends something else', async () => {
      nock(SITE).get('/').reply(200, homeHtml(), {...HTML, link: `<${SITE}/wp-json/>; rel="https://api.w.org/"`})
      nock(SITE).get('/wp-json/').query(true).reply(200, '{"name":', {'content-type': 'application/json'})
      const error = await failure()
      expect(error.exitCode).to.equal(7)
    })
  })

  describe('apiLinkFromHeader', () => {
    it('picks the api.w.org relation among several links and resolves relative ones', () => {
      expect(apiLinkFromHeader(response(`<${SITE}/?p=1>; rel=shortlink, </wp-json/>; rel="https://api.w.org/"`))).to.equal(`${SITE}/wp-json/`)
      expect(apiLinkFromHeader(response(`<${SITE}/wp-json/wp/v2/pages/7>; rel="alternate"; type="application/json", <${SITE}/wp-json/>; rel="https://api.w.org/"`))).to.equal(`${SITE}/wp-json/`)
      expect(apiLinkFromHeader(response(`<${SITE}/feed/>; rel="alternate"`))).to.equal(undefined)
    })
  })
})
