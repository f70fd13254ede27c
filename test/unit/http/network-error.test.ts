import {expect} from 'chai'
import net from 'node:net'

import {createHttp, defaultHttpSettings} from '../../../src/lib/http/http-client.js'
import {describeNetworkError} from '../../../src/lib/http/network-error.js'

async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
  })
  return port
}

describe('describeNetworkError', () => {
  it('a refused connection reads the same on every Node, retried or not', async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}/`
    // Node 24 reports a retried refusal as ERR_SOCKET_CLOSED_BEFORE_CONNECTION, Node 20 as ECONNREFUSED.
    for (const retries of [0, 1]) {
      const http = createHttp({...defaultHttpSettings('test'), retries, backoffLimitMs: 10})
      // eslint-disable-next-line no-await-in-loop -- one attempt pattern at a time on the same port
      const error = await http.get(url).then(
        () => expect.fail('nothing listens there'),
        (error_: unknown) => error_,
      )
      expect(describeNetworkError(error, url), `retries ${retries}`).to.deep.include({kind: 'refused', message: `connection refused by 127.0.0.1:${port}`})
    }

    const closedEarly = Object.assign(new Error('Socket closed before the connection was established'), {code: 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION'})
    expect(describeNetworkError(closedEarly, url)?.kind).to.equal('refused')
  })
})
