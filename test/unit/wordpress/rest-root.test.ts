import {expect} from 'chai'

import {RestRoot} from '../../../src/lib/wordpress/rest-root.js'
import {isCleartext, parseSiteUrl} from '../../../src/lib/wordpress/site-url.js'

describe('WordPress addresses', () => {
  describe('RestRoot', () => {
    it('builds pretty-permalink routes under /wp-json/', () => {
      const root = new RestRoot('https://example.com/wp-json/')
      expect(root.form).to.equal('path')
      expect(root.route('wp/v2/types')).to.equal('https://example.com/wp-json/wp/v2/types')
      expect(root.route('/wp/v2/posts', {status: 'publish', per_page: 1, _fields: 'id'})).to.equal('https://example.com/wp-json/wp/v2/posts?status=publish&per_page=1&_fields=id')
      expect(root.route('', {_fields: 'name,url'})).to.equal('https://example.com/wp-json/?_fields=name,url')
    })

    it('keeps a sub-folder install and adds the missing slash', () => {
      const root = new RestRoot('https://example.com/blog/wp-json')
      expect(root.route('wp/v2/types')).to.equal('https://example.com/blog/wp-json/wp/v2/types')
    })

    it('builds plain-permalink routes with ?rest_route=/… and & for the rest', () => {
      const root = new RestRoot('http://127.0.0.1:8089/index.php?rest_route=/')
      expect(root.form).to.equal('query')
      expect(root.route('wp/v2/types')).to.equal('http://127.0.0.1:8089/index.php?rest_route=/wp/v2/types')
      expect(root.route('wp/v2/posts', {per_page: 1})).to.equal('http://127.0.0.1:8089/index.php?rest_route=/wp/v2/posts&per_page=1')
      expect(new RestRoot('https://example.com/?rest_route=/').route('igny8/v1/site-metadata/')).to.equal('https://example.com/?rest_route=/igny8/v1/site-metadata/')
      expect(new RestRoot('https://example.com/?rest_route=/').route('')).to.equal('https://example.com/?rest_route=/')
    })

    it('keeps other query parameters of an advertised root and encodes odd characters', () => {
      const root = new RestRoot('https://example.com/?lang=en&rest_route=%2F')
      expect(root.route('wp/v2/my type', {search: 'a&b'})).to.equal('https://example.com/?lang=en&rest_route=/wp/v2/my%20type&search=a%26b')
    })
  })

  describe('site URL', () => {
    it('accepts http(s) URLs and normalises them', () => {
      expect(parseSiteUrl(' https://example.com ').href).to.equal('https://example.com/')
      expect(parseSiteUrl('https://example.com/blog?x=1#top').href).to.equal('https://example.com/blog/')
    })

    it('rejects other schemes, non-URLs and embedded credentials with exit 2', () => {
      for (const bad of ['example.com', 'ftp://example.com', 'https://user:pw@example.com']) {
        expect(() => parseSiteUrl(bad), bad).to.throw().with.property('exitCode', 2)
      }
    })

    it('knows when a secret would travel in clear', () => {
      expect(isCleartext('http://[::1]:8080/')).to.equal(false)
      expect(isCleartext('http://128.0.0.1/')).to.equal(true)
      expect(isCleartext('http://127.0.0.1:8089/wp-json/')).to.equal(false)
      expect(isCleartext('http://example.com/wp-json/')).to.equal(true)
      expect(isCleartext('https://example.com/wp-json/')).to.equal(false)
    })
  })
})
