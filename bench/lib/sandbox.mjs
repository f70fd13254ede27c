/**
 * `igny8 sandbox serve` from the installed package, as a child process: N sites whose integrations
 * point at the given WordPress URLs. Resolves once the one-line JSON ready signal has arrived.
 */
import {spawn} from 'node:child_process'

export function startSandboxProcess(bin, {sites, wpUrls, env}) {
  const args = ['sandbox', 'serve', '--port', '0', '--sites', String(sites), '--json', ...wpUrls.flatMap((url) => ['--wp-url', url])]
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
        resolve({
          ...ready,
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
