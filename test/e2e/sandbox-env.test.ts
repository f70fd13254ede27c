/**
 * The sandbox's own example, as its help prints it, run by bash: start `sandbox serve` on a free port,
 * wait for the ready line, source the variables — then `igny8 connect` must log in to the sandbox, not
 * to the default API URL (plain KEY=value lines, sourced, never reached the igny8 process).
 */
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {DEFAULT_API_URL} from '../../src/lib/backend/contract.js'
import {allOutputs, cliBin, runCli} from '../helpers/cli.js'
import {parseEnvLines, readyOutput, requests} from '../helpers/sandbox.js'

/**
 * Runs a bash script with stdout and stderr in files: a server it leaves running in the background keeps
 * them open, so the script is done when bash exits, not when its output closes.
 */
async function bash(script: string, options: {cwd: string; env: NodeJS.ProcessEnv}): Promise<{code: number | null; stdout: string; stderr: string}> {
  const out = path.join(options.cwd, 'script.out')
  const err = path.join(options.cwd, 'script.err')
  const fds = [fs.openSync(out, 'w'), fs.openSync(err, 'w')] as const
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-c', script], {cwd: options.cwd, env: options.env, stdio: ['ignore', fds[0], fds[1]]})
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000)
      child.on('error', reject)
      child.on('exit', (status) => {
        clearTimeout(timer)
        resolve(status)
      })
    })
    const [stdout, stderr] = [fs.readFileSync(out, 'utf8'), fs.readFileSync(err, 'utf8')]
    allOutputs.push(stdout, stderr)
    return {code, stdout, stderr}
  } finally {
    for (const fd of fds) fs.closeSync(fd)
  }
}

describe('e2e: the sandbox serve example, as its help prints it', function () {
  this.timeout(60_000)
  let dir: string
  let sandboxPid: number | undefined

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-sandbox-env-'))
  })

  afterEach(() => {
    if (sandboxPid) {
      try {
        process.kill(sandboxPid, 'SIGTERM')
      } catch {
        // already gone
      }
    }

    sandboxPid = undefined
    fs.rmSync(dir, {recursive: true, force: true})
  })

  it('exports the variables: the next `igny8 connect` logs in to the sandbox, not to the default API URL', async () => {
    const help = await runCli(['sandbox', 'serve', '--help'], {env: {OCLIF_COLUMNS: '1000'}})
    expect(help.code, help.stderr).to.equal(0)
    const example = help.stdout
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.startsWith('$ igny8 sandbox serve --port 0') && line.includes('sandbox.env'))
    expect(example, help.stdout).to.be.a('string')

    // `igny8` on PATH is the CLI under test; for `sandbox serve` it also turns on the (hidden) request
    // log, so the test can see which server the login reached. Everything else runs as written.
    const bin = path.join(dir, 'bin')
    fs.mkdirSync(bin)
    const node = `"${process.execPath}" "${cliBin()}"`
    fs.writeFileSync(
      path.join(bin, 'igny8'),
      `#!/bin/sh\nif [ "$1" = sandbox ] && [ "$2" = serve ]; then shift 2; exec ${node} sandbox serve --control "$@"; fi\nexec ${node} "$@"\n`,
      {mode: 0o755},
    )
    const configDir = path.join(dir, 'config')
    const script = [example!.slice(2), 'echo "$!" > sandbox.pid', 'igny8 connect --site "$SITE_1_ID"'].join('\n')
    const run = await bash(script, {
      cwd: dir,
      env: {PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, IGNY8_CONFIG_DIR: configDir, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'},
    })
    sandboxPid = Number(fs.readFileSync(path.join(dir, 'sandbox.pid'), 'utf8'))

    const printed = fs.readFileSync(path.join(dir, 'sandbox.env'), 'utf8')
    // Every variable is exported; the ready line stays as scripts wait for it.
    const lines = printed.trim().split('\n')
    expect(lines.at(-1)).to.equal('IGNY8_SANDBOX_READY=1')
    for (const line of lines.slice(0, -1)) expect(line).to.match(/^export [A-Z][A-Z0-9_]*=/)
    const ready = readyOutput(printed)!
    expect(ready.apiUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    expect(parseEnvLines(printed).SITE_1_ID).to.equal(String(ready.credentials.sites[0]!.id))

    expect(run.code, `${run.stdout}\n--- stderr:\n${run.stderr}`).to.equal(0)
    expect(run.stdout).to.include(`Connected profile "default" to ${ready.apiUrl}`)
    const profile = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')).profiles.default
    expect(profile.apiUrl).to.equal(ready.apiUrl).and.not.equal(DEFAULT_API_URL)
    expect(profile.site.id).to.equal(ready.credentials.sites[0]!.id)
    const logins = await requests(ready, 'auth/login')
    expect(logins.map((entry) => entry.status)).to.deep.equal([200])
  })
})
