import {expect} from 'chai'
import nock from 'nock'

import {Deadline} from '../../src/lib/deadline.js'
import {createHttp, defaultHttpSettings, retryDelay} from '../../src/lib/http/http-client.js'
import {describeNetworkError} from '../../src/lib/http/network-error.js'

const SITE = 'http://wp.deadline.test'

describe('Deadline', () => {
  it('aborts the requests of its site when it passes, and says so in words', async () => {
    const deadline = new Deadline(150)
    nock(SITE).get('/').delay(5000).reply(200, 'late')
    const http = createHttp({...defaultHttpSettings('test'), timeoutMs: 10_000, retries: 0, deadline})
    const started = Date.now()
    const error = await http.get(`${SITE}/`).then(
      () => expect.fail('should abort'),
      (error_: unknown) => error_,
    )
    expect(Date.now() - started).to.be.below(2000)
    expect(deadline.passed).to.equal(true)
    expect(describeNetworkError(error, `${SITE}/`)?.message).to.equal("gave up on wp.deadline.test: the site's time limit (--site-timeout) ran out")
    nock.abortPendingRequests()
    nock.cleanAll()
  })

  it('no retry is planned past it', () => {
    const deadline = new Deadline(1000)
    const retry = {attemptCount: 1, retryOptions: {}, error: {}, computedValue: 2000, retryAfter: undefined} as unknown as Parameters<typeof retryDelay>[0]
    expect(retryDelay(retry, {maxRetryAfterMs: 60_000, backoffLimitMs: 8000, deadline})).to.equal(0)
    expect(retryDelay({...retry, computedValue: 100}, {maxRetryAfterMs: 60_000, backoffLimitMs: 8000, deadline})).to.equal(100)
    expect(retryDelay(retry, {maxRetryAfterMs: 60_000, backoffLimitMs: 8000})).to.equal(2000)
    deadline.clear()
  })
})
