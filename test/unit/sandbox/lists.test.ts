import {expect} from 'chai'
import {z} from 'zod'

import type {ListShape} from '../../../src/lib/sandbox/index.js'

import {integrationSchema, pageEnvelope, paths, readListPage, siteSchema, successEnvelope} from '../../../src/lib/backend/contract.js'
import {type Sandbox, startTestSandbox} from '../../helpers/sandbox.js'
import {bearer, call, expectError, expectThrottleHeaders, login} from './support.js'

/** The schema of a whole list body in each shape, built from the contract's pieces. */
const listSchema = (shape: ListShape, item: z.ZodType): z.ZodType =>
  shape === 'top' ? pageEnvelope(item) : shape === 'data-results' ? successEnvelope(pageEnvelope(item)) : successEnvelope(z.array(item))

describe('sandbox: lists', () => {
  let sb: Sandbox

  afterEach(async () => sb?.close())

  for (const shape of ['top', 'data-results', 'data-array'] as const) {
    it(`pages sites in the "${shape}" shape`, async () => {
      sb = await startTestSandbox({sites: 3, pageSize: 1, listShape: shape})
      const auth = bearer((await login(sb)).access)
      const seen: number[] = []
      let url: string | null = `${sb.apiUrl}/${paths.sites}`
      let pages = 0
      while (url) {
        // eslint-disable-next-line no-await-in-loop -- each page's URL is the previous page's `next`
        const response = await call(sb, 'GET', url, {auth})
        expect(response.status, response.text).to.equal(200)
        expectThrottleHeaders(response)
        const parsed = listSchema(shape, siteSchema).safeParse(response.body)
        expect(parsed.success, response.text).to.equal(true)
        const page = readListPage(response.body)!
        seen.push(...page.items.map((item) => (item as {id: number}).id))
        if (shape !== 'data-array') {
          expect(page.count).to.equal(3)
          const previous = (shape === 'top' ? response.body : (response.body as {data: unknown}).data) as {previous: string | null}
          expect(previous.previous === null).to.equal(pages === 0)
        }

        url = page.next
        pages++
        expect(pages).to.be.below(10)
      }

      expect(seen).to.deep.equal([1, 2, 3])
      expect(pages).to.equal(shape === 'data-array' ? 1 : 3)
    })
  }

  it('makes next links absolute and keeps the other query parameters', async () => {
    sb = await startTestSandbox({sites: 3, pageSize: 1})
    const auth = bearer((await login(sb)).access)
    const first = await call(sb, 'GET', `${paths.integrations}?platform=wordpress`, {auth})
    const body = first.body as {next: string; previous: null}
    expect(body.next).to.equal(`${sb.apiUrl}/${paths.integrations}?platform=wordpress&page=2`)
    const second = await call(sb, 'GET', body.next, {auth})
    expect((second.body as {previous: string}).previous).to.equal(`${sb.apiUrl}/${paths.integrations}?platform=wordpress`)
    const sized = await call(sb, 'GET', `${paths.sites}?page_size=2`, {auth})
    expect((sized.body as {results: unknown[]}).results).to.have.length(2)
    expectError(await call(sb, 'GET', `${paths.sites}?page=9`, {auth}), 404, 'Invalid page.')
  })

  it('filters integrations by site, site_id and platform', async () => {
    sb = await startTestSandbox({sites: 3, wpUrls: ['http://wp-a.test', 'http://wp-b.test']})
    const auth = bearer((await login(sb)).access)
    const ids = async (query: string): Promise<number[]> => {
      const response = await call(sb, 'GET', `${paths.integrations}${query}`, {auth})
      const parsed = pageEnvelope(integrationSchema).parse(response.body)
      return parsed.results.map((row) => row.id)
    }

    expect(await ids('')).to.deep.equal([101, 102, 103])
    expect(await ids('?site=2&platform=wordpress')).to.deep.equal([102])
    expect(await ids('?site_id=3')).to.deep.equal([103])
    expect(await ids('?site=2&site_id=3')).to.deep.equal([])
    expect(await ids('?platform=shopify')).to.deep.equal([])
    expect(await ids('?site=9001')).to.deep.equal([])
    const one = pageEnvelope(integrationSchema).parse((await call(sb, 'GET', `${paths.integrations}?site=3`, {auth})).body).results[0]!
    expect(one).to.deep.include({site: 3, platform: 'wordpress', is_active: true, sync_enabled: true, sync_status: 'pending', external_site_url: 'http://wp-a.test'})
    expect(one.config_json).to.deep.equal({})
    expectError(await call(sb, 'GET', `${paths.integrations}?site=abc`, {auth}), 400, 'Validation failed')
  })

  it('lists the owner\'s sites with the seeded fields, never another account\'s', async () => {
    sb = await startTestSandbox({sites: 2})
    const auth = bearer((await login(sb)).access)
    const body = pageEnvelope(siteSchema).parse((await call(sb, 'GET', paths.sites, {auth})).body)
    expect(body.results.map((site) => site.id)).to.deep.equal([1, 2])
    expect(body.results[0]).to.deep.include({name: 'Demo Site 1', slug: 'demo-site-1', domain: 'site1.example.test', hosting_type: 'wordpress', wp_api_key: sb.credentials.sites[0]!.apiKey})
    expect(sb.credentials.sites.map((site) => site.integrationId)).to.deep.equal([101, 102])
  })
})
