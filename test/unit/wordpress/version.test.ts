import {expect} from 'chai'

import {feedUrl, looksLikeWordPress, versionFromFeed, versionFromHtml} from '../../../src/lib/wordpress/version.js'

describe('WordPress version', () => {
  it('reads the generator meta tag, whatever the attribute order and quotes', () => {
    expect(versionFromHtml('<meta name="generator" content="WordPress 6.1.9" />')).to.equal('6.1.9')
    expect(versionFromHtml("<meta content='WordPress 6.5-RC1' name='generator'>")).to.equal('6.5-RC1')
    expect(versionFromHtml('<meta name="generator" content="Site Kit by Google 1.2" /><meta name="generator" content="WordPress 6.4.3" />')).to.equal('6.4.3')
    expect(versionFromHtml('<meta name="description" content="WordPress 6.1">')).to.equal(undefined)
  })

  it('reads the feed generator', () => {
    expect(versionFromFeed('<channel><generator>https://wordpress.org/?v=6.1.9</generator></channel>')).to.equal('6.1.9')
    expect(versionFromFeed('<generator>Jekyll</generator>')).to.equal(undefined)
  })

  it('builds a feed URL that works with plain and pretty permalinks', () => {
    expect(feedUrl('https://example.com/blog/')).to.equal('https://example.com/blog/?feed=rss2')
  })

  it('tells a WordPress page from another', () => {
    expect(looksLikeWordPress('<link href="/wp-content/themes/x/style.css">')).to.equal(true)
    expect(looksLikeWordPress('<html>static</html>')).to.equal(false)
  })
})
