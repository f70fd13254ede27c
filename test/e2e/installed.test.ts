/**
 * The package as users get it (packed, installed to a prefix, shipped manifest and all), run as real
 * processes with secrets in the environment, on stdin and in the profile: nothing it writes outside
 * the 0600 profile file (caches, reports, --output files, temp files) may hold one of them. HOME, the
 * XDG folders and TMPDIR all point into one fresh folder, which is scanned byte for byte at the end.
 */
import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type CliRun, runCli} from '../helpers/cli.js'
import {noteBasicAuth, noteProfileSecrets, noteSecret, startBackend, usedSecrets} from '../helpers/faults.js'
import {type InstalledPackage, installedPackage} from '../helpers/installed.js'
import {type Sandbox} from '../helpers/sandbox.js'
import {ensureWordPress, type WordPressEnv} from '../helpers/wordpress.js'

/** Every file below `dir` (links not followed). */
function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return filesBelow(file)
    return entry.isFile() ? [file] : []
  })
}

/** The run exited 0 (else: its output). */
const ok = (run: CliRun): void => {
  expect(run.code, `exit ${run.code}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`).to.equal(0)
}

/** A fresh random secret, noted so that the scan at the end looks for it. */
const secret = (label: string): string => {
  const value = `${label.toLowerCase().replaceAll(/\W/g, '')}_${randomBytes(12).toString('hex')}`
  noteSecret(label, value)
  return value
}

describe('e2e: the installed package', function () {
  this.timeout(300_000)
  let pkg: InstalledPackage
  let wp: WordPressEnv
  let sb: Sandbox

  before(async function () {
    this.timeout(900_000)
    ;[pkg, wp] = await Promise.all([installedPackage(), ensureWordPress()])
    sb = await startBackend(wp.WP_URL)
  })

  after(async () => {
    await sb?.close()
  })

  describe('secrets at rest', () => {
    let home: string
    let env: NodeJS.ProcessEnv
    const igny8 = async (args: string[], options: {input?: string; env?: NodeJS.ProcessEnv} = {}): Promise<CliRun> => runCli(args, {bin: pkg.bin, cwd: home, input: options.input, env: {...env, ...options.env}})

    before(() => {
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-home-'))
      for (const dir of ['config', 'cache', 'data', 'state', 'tmp', 'work']) fs.mkdirSync(path.join(home, dir))
      env = {
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_CACHE_HOME: path.join(home, 'cache'),
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_STATE_HOME: path.join(home, 'state'),
        TMPDIR: path.join(home, 'tmp'),
        // The profile lives where users have it: no IGNY8_CONFIG_DIR.
        IGNY8_CONFIG_DIR: undefined,
        // Secrets any CI job has in its environment, whatever igny8 makes of them.
        GITHUB_TOKEN: secret('GITHUB_TOKEN'),
        NPM_TOKEN: secret('NPM_TOKEN'),
        DEPLOY_SECRET: secret('DEPLOY_SECRET'),
      }
      noteBasicAuth('WordPress admin application password', wp.WP_ADMIN_USER, wp.WP_APP_PASSWORD)
    })

    after(() => {
      fs.rmSync(home, {recursive: true, force: true})
    })

    it('a help cache left by an earlier version is deleted', async () => {
      const stale = path.join(home, 'cache', 'igny8', 'help')
      fs.mkdirSync(stale, {recursive: true})
      fs.writeFileSync(path.join(stale, '935b455f6a879f85.json'), JSON.stringify({key: `{"env":[["IGNY8_API_KEY","${env.DEPLOY_SECRET}"]]}`, output: 'help'}))
      ok(await igny8(['--version']))
      expect(fs.existsSync(stale)).to.equal(false)
    })

    it('help, version and every command write no secret to disk', async () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(pkg.packageDir, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
      const commands = Object.keys(manifest.commands).map((id) => id.split(':'))
      expect(commands.length).to.be.greaterThan(5)
      const {apiKey} = (sb.credentials.sites[0]!)
      const withEnvSecrets = {IGNY8_API_KEY: apiKey, IGNY8_PASSWORD: sb.credentials.password, IGNY8_WP_APP_PASSWORD: wp.WP_APP_PASSWORD}

      // Help and version, twice (a second run would be served by any cache the first one filled).
      for (let round = 0; round < 2; round++) {
        for (const args of [['--version'], ['--help'], [], ['help'], ['structure', '--help'], ...commands.map((words) => [...words, '--help'])]) {
          // eslint-disable-next-line no-await-in-loop -- one process at a time, and the second round only after the first has filled whatever cache it fills
          ok(await igny8(args, {env: withEnvSecrets}))
        }
      }

      // The whole chain: connect (password from the environment), gather, push, show, check.
      const work = path.join(home, 'work')
      const apiUrl = {IGNY8_API_URL: sb.apiUrl}
      ok(await igny8(['connect', '--email', sb.credentials.email, '--wp-url', wp.WP_URL, '--wp-user', wp.WP_ADMIN_USER], {env: {...apiUrl, IGNY8_PASSWORD: sb.credentials.password}}))
      const profileFile = path.join(home, 'config', 'igny8', 'config.json')
      expect(fs.statSync(profileFile).mode & 0o777).to.equal(0o600)
      noteProfileSecrets(path.dirname(profileFile))
      const wpSecret = {IGNY8_WP_APP_PASSWORD: wp.WP_APP_PASSWORD}
      ok(await igny8(['auth', 'status'], {env: wpSecret}))
      ok(await igny8(['auth', 'status', '--json', '--debug'], {env: wpSecret}))
      ok(await igny8(['structure', 'gather', '--source', 'rest', '--output', path.join(work, 'structure.json'), '--debug'], {env: wpSecret}))
      ok(await igny8(['structure', 'push', '--from-file', path.join(work, 'structure.json')], {env: wpSecret}))
      ok(await igny8(['structure', 'push', '--dry-run', '--json'], {env: wpSecret}))
      ok(await igny8(['content-types', 'show', '--json'], {env: wpSecret}))
      ok(await igny8(['integration', 'check', '--junit', path.join(work, 'check.xml'), '--debug'], {env: wpSecret}))
      ok(await igny8(['integration', 'check', '--all-sites', '--json', '--junit', path.join(work, 'fleet.xml')], {env: wpSecret}))

      // A site API key from stdin, then one from the environment over that profile.
      ok(await igny8(['connect', '--api-key-stdin', '--profile', 'site'], {env: apiUrl, input: apiKey}))
      noteProfileSecrets(path.dirname(profileFile))
      ok(await igny8(['auth', 'status', '--profile', 'site', '--debug'], {env: {IGNY8_API_KEY: apiKey}}))
      ok(await igny8(['content-types', 'show', '--profile', 'site'], {env: {IGNY8_API_KEY: apiKey}}))
      // Credentials from the environment alone (CI), with no profile to fall back on.
      ok(await igny8(['content-types', 'show', '--profile', 'ci', '--json'], {env: {...apiUrl, IGNY8_API_KEY: apiKey, IGNY8_INTEGRATION_ID: String(sb.credentials.sites[0]!.integrationId)}}))

      // The other commands: the shell completion cache, a sandbox with state on disk, logout.
      ok(await igny8(['autocomplete', 'bash'], {env: withEnvSecrets}))
      const serve = await runCli(['sandbox', 'serve', '--port', '0', '--state', path.join(work, 'sandbox.json')], {
        bin: pkg.bin,
        cwd: home,
        env: {...env, ...withEnvSecrets},
        onSpawn(child) {
          let seen = ''
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString('utf8')
            if (seen.includes('IGNY8_SANDBOX_READY=1')) child.kill('SIGTERM')
          })
        },
      })
      ok(serve)
      ok(await igny8(['auth', 'logout', '--all'], {env: withEnvSecrets}))

      const files = filesBelow(home)
      expect(files.map((file) => path.relative(home, file))).to.include.members(['work/structure.json', 'work/check.xml', 'work/fleet.xml'])
      const leaks: string[] = []
      for (const file of files) {
        if (file === profileFile) continue
        const bytes = fs.readFileSync(file)
        for (const [label, secret] of usedSecrets) if (bytes.includes(secret)) leaks.push(`${label} in ${path.relative(home, file)}`)
      }

      expect(leaks, 'secrets written to disk outside the profile file').to.deep.equal([])
    })
  })
})
