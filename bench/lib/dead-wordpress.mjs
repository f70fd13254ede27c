/**
 * Two WordPress URLs that never answer, for the fleet's dead sites:
 *
 * - `closedPortUrl()`: a loopback port nothing listens on (bound to learn a free port, then closed at
 *   once): a connection is refused straight away (ECONNREFUSED).
 * - `startSilentServer()`: a node:http server that accepts connections and reads requests but never
 *   answers any: the client waits until its own time limit (`--site-timeout`, `--timeout`) gives up.
 *   It counts connections and requests; `close()` drops the connections it still holds.
 */
import http from 'node:http'
import net from 'node:net'

const HOST = '127.0.0.1'

export async function closedPortUrl() {
  const server = net.createServer()
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, resolve)
  })
  const {port} = server.address()
  await new Promise((resolve) => {
    server.close(() => resolve())
  })
  return `http://${HOST}:${port}/`
}

export async function startSilentServer() {
  const stats = {connections: 0, requests: 0}
  const server = http.createServer(() => {
    // Never answered: the request stays open until the client gives up or close() drops it.
    stats.requests += 1
  })
  // No server-side time limit: the client alone decides when to give up.
  server.requestTimeout = 0
  server.headersTimeout = 0
  server.on('connection', () => {
    stats.connections += 1
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, resolve)
  })
  const {port} = server.address()
  return {
    url: `http://${HOST}:${port}/`,
    stats,
    reset() {
      stats.connections = 0
      stats.requests = 0
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
