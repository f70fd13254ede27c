/**
 * The project's real test WordPress (scripts/wordpress.sh), for the bench's reference run (no target).
 * A lab of its own (own state dir and port) so that the bench neither waits for nor disturbs the lab
 * the test suites use; stopped and purged afterwards. BENCH_WP_URL uses a WordPress that is already running.
 */
import {execFile} from 'node:child_process'
import net from 'node:net'
import {promisify} from 'node:util'

const run = promisify(execFile)

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

function parseEnv(text) {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
      .filter(Boolean)
      .map((match) => [match[1], match[2]]),
  )
}

export async function startWordPress(script, stateDir) {
  if (process.env.BENCH_WP_URL) return {url: process.env.BENCH_WP_URL, async stop() {}}
  const env = {...process.env, WPLAB_DIR: stateDir, WPLAB_SKIP_APT: process.env.WPLAB_SKIP_APT ?? '1'}
  const port = await freePort()
  const {stdout} = await run('bash', [script, 'up', String(port)], {env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024})
  const lab = parseEnv(stdout)
  if (!lab.WP_URL) throw new Error(`scripts/wordpress.sh up printed no WP_URL:\n${stdout}`)
  return {
    url: lab.WP_URL,
    version: lab.WP_VERSION,
    async stop() {
      await run('bash', [script, 'down', '--purge'], {env, timeout: 60_000}).catch(() => {})
    },
  }
}
