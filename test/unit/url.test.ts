/**
 * parseHttpUrl(), the one check of a URL a user gives, and its callers: each keeps its own words and
 * exit code.
 */
import {runCommand} from '@oclif/test'
import {expect} from 'chai'

import {normalizeApiUrl} from '../../src/lib/backend/client.js'
import {resolveOptions} from '../../src/lib/sandbox/options.js'
import {parseHttpUrl, type UrlProblem} from '../../src/lib/url.js'
import {parseSiteUrl} from '../../src/lib/wordpress/site-url.js'

class Refused extends Error {
  constructor(readonly problem: UrlProblem) {
    super(problem)
  }
}

/** What `fn` threw; a test failure when it returned. */
function thrown(fn: () => unknown): {message: string; exitCode?: number; code?: string; hint?: string} {
  try {
    fn()
  } catch (error) {
    return error as {message: string; exitCode?: number; code?: string; hint?: string}
  }

  return expect.fail('nothing was thrown')
}

const apiUrlRefusal = (raw: string): ReturnType<typeof thrown> => thrown(() => normalizeApiUrl(raw))
const siteUrlRefusal = (raw: string): ReturnType<typeof thrown> => thrown(() => parseSiteUrl(raw))

function problemOf(raw: string): UrlProblem | undefined {
  try {
    parseHttpUrl(raw, (problem) => new Refused(problem))
    return undefined
  } catch (error) {
    expect(error).to.be.instanceOf(Refused)
    return (error as Refused).problem
  }
}

describe('parseHttpUrl', () => {
  it('accepts absolute http and https URLs, white space around them ignored', () => {
    expect(parseHttpUrl(' https://example.com/blog?x=1 ', () => new Error('refused')).href).to.equal('https://example.com/blog?x=1')
    expect(parseHttpUrl('http://127.0.0.1:8787/api/v1', () => new Error('refused')).port).to.equal('8787')
    expect(parseHttpUrl('HTTPS://Example.COM', () => new Error('refused')).href).to.equal('https://example.com/')
  })

  it('names what is wrong: not a URL, another scheme, or credentials in it', () => {
    for (const raw of ['', 'example.com', '/wp-json/', 'http://', 'https://exa mple.com']) expect(problemOf(raw), raw).to.equal('malformed')
    for (const raw of ['ftp://example.com', 'file:///etc/passwd', 'data:text/plain,x', 'mailto:ops@example.com']) expect(problemOf(raw), raw).to.equal('scheme')
    for (const raw of ['https://user:pw@example.com', 'http://user@example.com', 'https://:pw@example.com']) expect(problemOf(raw), raw).to.equal('credentials')
  })

  it('the API URL keeps its words (exit 2, invalid_url) and loses its trailing slashes', () => {
    expect(normalizeApiUrl('https://api.igny8.test/api/v1//')).to.equal('https://api.igny8.test/api/v1')
    expect(apiUrlRefusal('notaurl')).to.include({message: 'Invalid API URL "notaurl": expected an http(s) URL like https://api.igny8.com/api/v1.', exitCode: 2, code: 'invalid_url'})
    expect(apiUrlRefusal('ftp://api.test')).to.include({message: 'Invalid API URL "ftp://api.test": only http and https are supported.', exitCode: 2})
    expect(apiUrlRefusal('https://a:b@api.test')).to.include({message: 'The API URL must not contain credentials.', exitCode: 2})
  })

  it('the WordPress URL keeps its words and hints (exit 2, invalid_url)', () => {
    expect(siteUrlRefusal('example.com')).to.include({message: 'Invalid WordPress URL "example.com": expected an http(s) URL like https://example.com.', hint: 'Include the scheme: https://example.com.', exitCode: 2, code: 'invalid_url'})
    expect(siteUrlRefusal('ftp://example.com')).to.include({message: 'Invalid WordPress URL "ftp://example.com": only http and https are supported.', exitCode: 2})
    expect(siteUrlRefusal('https://admin:pw@example.com')).to.include({message: 'The WordPress URL must not contain credentials.', hint: 'Use --wp-user with --wp-app-password-stdin instead.'})
  })

  it('the sandbox keeps its RangeError, and the serve command its usage error', async () => {
    expect(() => resolveOptions({wpUrls: ['http://wp.test', 'wp.test']})).to.throw(RangeError, 'not an http(s) URL: wp.test')
    expect(resolveOptions({wpUrls: ['http://wp.test:8080']}).wpUrls).to.deep.equal(['http://wp.test:8080'])
    const {stderr, error} = await runCommand(['sandbox', 'serve', '--port', '0', '--wp-url', 'ftp://wp.test'])
    expect(error?.oclif?.exit).to.equal(2)
    expect(stderr).to.include('--wp-url must be an http(s) URL, got "ftp://wp.test".')
  })
})
