/**
 * Logging in again, as a user meets it: a session expires (or a key is regenerated), the hint names the
 * profile's own `igny8 connect` line, and that line — run as written, by a shell — logs in to the same
 * site and integration with nothing but the secret. Without a terminal (a pipe, CI) and in a real one
 * (tmux), where only the password is asked.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {allOutputs, cliBin, type ProcessRun, runCli, runProcess, tempConfigDir} from '../helpers/cli.js'
import {expireTokens, requests, revokeApiKey, type SpawnedSandbox, spawnSandbox} from '../helpers/sandbox.js'

/** A folder with an `igny8` that runs the CLI under test, to put first on PATH: hints name `igny8`. */
function igny8OnPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-bin-'))
  fs.writeFileSync(path.join(dir, 'igny8'), `#!/bin/sh\nexec "${process.execPath}" "${cliBin()}" "$@"\n`, {mode: 0o755})
  return dir
}

/** Runs a shell line with bash; `secrets` are shell variables there, not exported to what it runs. */
function bash(line: string, env: NodeJS.ProcessEnv, secrets: Record<string, string>): Promise<ProcessRun> {
  const script = `export -n ${Object.keys(secrets).join(' ')}\n${line}\n`
  return runProcess('bash', ['--noprofile', '--norc', '-c', script], {env: {...env, ...secrets}})
}

/** The command a hint says to run: `Hint: Run `…` to log in again.` */
function hintedCommand(stderr: string): string {
  const match = /^Hint: .*?`([^`]*igny8 connect[^`]*)`/m.exec(stderr)
  expect(match, `a hint with an igny8 connect line in:\n${stderr}`).to.not.equal(null)
  return match![1]!
}

describe('e2e: logging in again after the session expired', function () {
  this.timeout(60_000)
  let sb: SpawnedSandbox
  let configDir: string
  let bin: string

  before(async () => {
    sb = await spawnSandbox(['--sites', '3', '--wp-url', 'http://127.0.0.1:8089'])
    bin = igny8OnPath()
  })

  after(async () => {
    await sb?.stop()
    fs.rmSync(bin, {recursive: true, force: true})
  })

  beforeEach(() => {
    configDir = tempConfigDir()
  })

  const profileOf = (name: string) => JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')).profiles[name]
  const shellEnv = (): NodeJS.ProcessEnv => ({
    PATH: `${bin}:${process.env.PATH}`,
    HOME: process.env.HOME,
    IGNY8_CONFIG_DIR: configDir,
    OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
  })

  it('an email + password profile: the hint\'s own command, with only the password on stdin, reconnects the same site and integration', async () => {
    const site = sb.credentials.sites[1]!
    const first = await runCli(['connect', '--profile', 'ci', '--email', sb.credentials.email, '--password-stdin', '--site', String(site.id)], {
      env: {IGNY8_API_URL: sb.apiUrl},
      configDir,
      input: sb.credentials.password,
    })
    expect(first.code, first.stderr).to.equal(0)
    const before = profileOf('ci')

    await expireTokens(sb, 'all')
    const expired = await runCli(['content-types', 'show', '--profile', 'ci'], {configDir})
    expect(expired.code).to.equal(4)
    expect(expired.stderr).to.include('session has expired')
    const command = hintedCommand(expired.stderr)
    expect(command).to.equal(`printf '%s' "$IGNY8_PASSWORD" | igny8 connect --profile ci --password-stdin`)

    // Exactly that line: no --email, --site or --api-url; the password reaches igny8 on stdin only.
    const again = await bash(command, shellEnv(), {IGNY8_PASSWORD: sb.credentials.password})
    expect(again.code, again.stderr).to.equal(0)
    expect(again.stdout).to.include(`Connected profile "ci" to ${sb.apiUrl}`)
    const after = profileOf('ci')
    expect(after).to.deep.include({apiUrl: sb.apiUrl, authMethod: 'jwt', integrationId: site.integrationId, wordpressUrl: before.wordpressUrl})
    expect(after.site.id).to.equal(site.id)
    expect(after.user.email).to.equal(sb.credentials.email)
    expect(after.secrets.refreshToken).to.not.equal(before.secrets.refreshToken)

    const status = await runCli(['auth', 'status', '--profile', 'ci'], {configDir})
    expect(status.code, status.stderr).to.equal(0)
  })

  it('the "default" profile\'s hint leaves out --profile', async () => {
    const first = await runCli(['connect', '--email', sb.credentials.email, '--password-stdin', '--site', String(sb.credentials.sites[0]!.id)], {
      env: {IGNY8_API_URL: sb.apiUrl},
      configDir,
      input: sb.credentials.password,
    })
    expect(first.code, first.stderr).to.equal(0)
    await expireTokens(sb, 'all')
    const expired = await runCli(['auth', 'status'], {configDir})
    expect(expired.code).to.equal(4)
    const command = hintedCommand(expired.stderr)
    expect(command).to.equal(`printf '%s' "$IGNY8_PASSWORD" | igny8 connect --password-stdin`)
    const again = await bash(command, shellEnv(), {IGNY8_PASSWORD: sb.credentials.password})
    expect(again.code, again.stderr).to.equal(0)
    expect(profileOf('default').site.id).to.equal(sb.credentials.sites[0]!.id)
  })

  it('a site API key profile: the hint pipes the new key to --api-key-stdin; the site and integration stay', async () => {
    const site = sb.credentials.sites[2]!
    const first = await runCli(['connect', '--profile', 'shop', '--api-key-stdin'], {env: {IGNY8_API_URL: sb.apiUrl}, configDir, input: site.apiKey})
    expect(first.code, first.stderr).to.equal(0)

    const newKey = await revokeApiKey(sb, site.id)
    const rejected = await runCli(['auth', 'status', '--profile', 'shop'], {configDir})
    expect(rejected.code).to.equal(4)
    const command = hintedCommand(rejected.stderr)
    expect(command).to.equal(`printf '%s' "$IGNY8_API_KEY" | igny8 connect --profile shop --api-key-stdin`)

    const again = await bash(command, shellEnv(), {IGNY8_API_KEY: newKey})
    expect(again.code, again.stderr).to.equal(0)
    expect(profileOf('shop')).to.deep.include({authMethod: 'api-key', integrationId: site.integrationId, apiUrl: sb.apiUrl})
    expect(profileOf('shop').site.id).to.equal(site.id)
    const status = await runCli(['auth', 'status', '--profile', 'shop'], {configDir})
    expect(status.code, status.stderr).to.equal(0)
  })

  describe('on a terminal (tmux)', () => {
    const socket = `igny8-e2e-${process.pid}`
    // The server (started by new-session) gives its PATH to the shell, whatever `-e PATH=` says.
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8', env: {...process.env, PATH: `${bin}:${process.env.PATH}`}})
    const pane = (): string => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'relogin').stdout
    async function waitFor(text: RegExp | string, timeoutMs = 20_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const screen = pane()
        if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${text}:\n${screen}`)
        // eslint-disable-next-line no-await-in-loop -- polling the terminal
        await new Promise((resolve) => {
          setTimeout(resolve, 100)
        })
      }
    }

    before(function () {
      if (spawnSync('tmux', ['-V']).status !== 0) this.skip()
    })

    afterEach(() => {
      tmux('kill-server')
    })

    it('the hint is the bare `igny8 connect --profile ci`, which asks for the password only — not the email, not the site', async () => {
      const site = sb.credentials.sites[2]!
      const first = await runCli(['connect', '--profile', 'ci', '--email', sb.credentials.email, '--password-stdin', '--site', String(site.id)], {
        env: {IGNY8_API_URL: sb.apiUrl},
        configDir,
        input: sb.credentials.password,
      })
      expect(first.code, first.stderr).to.equal(0)
      await expireTokens(sb, 'all')

      const env = {...shellEnv(), NO_COLOR: '1', TERM: 'xterm'}
      const started = tmux('new-session', '-d', '-s', 'relogin', '-x', '250', '-y', '50', ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]), 'bash --noprofile --norc')
      expect(started.status, started.stderr).to.equal(0)
      tmux('send-keys', '-t', 'relogin', 'igny8 auth status --profile ci; echo "STATUS_EXIT=$?"', 'Enter')
      const expired = await waitFor(/STATUS_EXIT=\d+/)
      expect(expired, expired).to.include('STATUS_EXIT=4')
      expect(expired).to.include('Hint: Run `igny8 connect --profile ci` to log in again.')

      const logins = (await requests(sb, 'auth/login')).length
      tmux('send-keys', '-t', 'relogin', 'igny8 connect --profile ci; echo "CONNECT_EXIT=$?"', 'Enter')
      const asked = await waitFor(`Password for ${sb.credentials.email}:`)
      expect(asked).to.not.include('IGNY8 email')
      tmux('send-keys', '-t', 'relogin', '-l', sb.credentials.password)
      tmux('send-keys', '-t', 'relogin', 'Enter')
      const done = await waitFor(/CONNECT_EXIT=\d+/)
      expect(done, done).to.include('CONNECT_EXIT=0')
      expect(done).to.not.include('Several sites').and.not.include(sb.credentials.password)
      expect(done).to.include(`Connected profile "ci" to ${sb.apiUrl}`)
      expect(profileOf('ci').site.id).to.equal(site.id)
      expect(profileOf('ci').integrationId).to.equal(site.integrationId)
      expect((await requests(sb, 'auth/login')).length).to.equal(logins + 1)
      allOutputs.push(done)
    })
  })
})
