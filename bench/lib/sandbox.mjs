/**
 * `igny8 sandbox serve` from the installed package, as a child process: N sites whose integrations
 * point at the given WordPress URLs. Resolves once the one-line JSON ready signal has arrived.
 *
 * Its control hooks are on (`--control`, hidden): the bench reads the sandbox's request log to learn
 * when the first API request of a measured run arrived (`firstRequestAt`, in this process's
 * performance.now() terms) and clears it before each run (`clearRequests`).
 */
import {spawn} from 'node:child_process'

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
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
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
          /** performance.now() of the first logged request, undefined when none (or the log overflowed). */
          async firstRequestAt() {
            const {requests} = await control('GET')
            // The log keeps the last 5000 requests: with more, the first one may be gone.
            if (!Array.isArray(requests) || requests.length === 0 || requests.length >= 5000) return undefined
            return Date.parse(requests[0].time) - performance.timeOrigin
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
