/**
 * `igny8 sandbox serve` from the installed package, as a child process: N sites whose integrations
 * point at the given WordPress URLs. Resolves once the one-line JSON ready signal has arrived.
 *
 * Its control hooks are on (`--control`, hidden): the bench reads the sandbox's request log to learn
 * when the first API request of a measured run arrived (`firstRequestAt`, in this process's
 * performance.now() terms) and clears it before each run (`clearRequests`), and reshapes integrations
 * (`patchIntegration`: e.g. give one a stored structure).
 */
import {spawn} from 'node:child_process'

/** The sandbox's request log keeps the last 5000 requests (src/lib/sandbox/request-log.ts). */
const LOG_LIMIT = 5000

export function startSandboxProcess(bin, {sites, wpUrls, env}) {
  const args = ['sandbox', 'serve', '--port', '0', '--sites', String(sites), '--json', '--control', ...wpUrls.flatMap((url) => ['--wp-url', url])]
  const child = spawn(bin, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`sandbox serve did not become ready in 30 s:\n${stderr}`))
    }, 30_000)
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
      const line = stdout.split('\n').find((l) => l.startsWith('{'))
      if (!line || !stdout.includes('\n')) return
      clearTimeout(timer)
      try {
        const ready = JSON.parse(line)
        const control = (method) => controlRequests(ready.url, method)
        resolve({
          ...ready,
          clearRequests: () => control('DELETE'),
          /**
           * performance.now() of the first request logged since the last clearRequests(); undefined when
           * none; NaN when the log may no longer hold it: it keeps the last 5000 requests. (Its `seq`
           * numbers would tell, but the sandbox logs every request with seq 0.)
           */
          async firstRequestAt() {
            const {requests} = await control('GET')
            if (!Array.isArray(requests) || requests.length === 0) return
            if (requests.length >= LOG_LIMIT) return Number.NaN
            return Date.parse(requests[0].time) - performance.timeOrigin
          },
          /** How many requests were logged since the last clearRequests() (at most 5000: the log's limit). */
          async requestCount() {
            const {requests} = await control('GET')
            return Array.isArray(requests) ? requests.length : 0
          },
          /** PATCH /__sandbox/integrations/{id}: the body as src/lib/sandbox/control.ts takes it. */
          async patchIntegration(id, body) {
            const response = await fetch(`${ready.url}/__sandbox/integrations/${id}`, {method: 'PATCH', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})
            if (!response.ok) throw new Error(`PATCH ${ready.url}/__sandbox/integrations/${id} answered ${response.status}: ${(await response.text()).slice(0, 300)}`)
          },
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done())
              child.kill('SIGTERM')
            }),
        })
      } catch (error) {
        reject(error)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`sandbox serve exited ${code} before it was ready:\n${stderr}`))
    })
  })
}

/** The sandbox's request log (control hook `/__sandbox/requests`): GET lists it, DELETE clears it. */
async function controlRequests(origin, method) {
  const response = await fetch(`${origin}/__sandbox/requests`, {method})
  if (!response.ok) throw new Error(`${method} ${origin}/__sandbox/requests answered ${response.status}`)
  const body = await response.json()
  return body.data ?? body
}
