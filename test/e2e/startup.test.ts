/**
 * Start-up as users meet it: bin/run.js is oclif's standard entry, caches of earlier versions are
 * removed, a --debug trace points at the TypeScript source, and odd config or cache folders fail
 * cleanly instead of hanging.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {runCli, tempConfigDir} from '../helpers/cli.js'

describe('e2e: start-up', function () {
  this.timeout(60_000)
  let cacheDir: string

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-cache-'))
  })

  afterEach(() => fs.rmSync(cacheDir, {recursive: true, force: true}))

  it('removes the help and V8 caches earlier versions left, on any command', async () => {
    for (const name of ['help', 'v8']) {
      fs.mkdirSync(path.join(cacheDir, name))
      fs.writeFileSync(path.join(cacheDir, name, 'left-over'), 'x')
    }

    const help = await runCli(['--help'], {env: {IGNY8_CACHE_DIR: cacheDir}})
    expect(help.code, help.stderr).to.equal(0)
    expect(fs.readdirSync(cacheDir)).to.deep.equal([])
  })

  it('a --debug trace points at src/ lines (source maps), a run without --debug prints no trace', async () => {
    const configDir = tempConfigDir()
    fs.writeFileSync(path.join(configDir, 'config.json'), '{not json', {mode: 0o600})
    const debug = await runCli(['auth', 'status', '--debug'], {configDir})
    expect(debug.code, debug.stderr).to.equal(2)
    expect(debug.stderr).to.match(/^\s+at .*src\/lib\/config\/profile-store\.ts:\d+:\d+\)?$/m)
    expect(debug.stderr).to.not.match(/dist\/chunks\//)
    const plain = await runCli(['auth', 'status'], {configDir})
    expect(plain.code, plain.stderr).to.equal(2)
    expect(plain.stderr).to.not.match(/^\s+at /m)
  })

  describe('folders where mkdir answers ENOENT under an existing parent (/proc)', () => {
    before(function () {
      if (!fs.existsSync('/proc/self')) this.skip()
    })

    it('an unusable config folder is one line and exit 2, not a hang', async () => {
      const run = await runCli(['auth', 'status'], {configDir: '/proc/igny8-config', env: {IGNY8_CACHE_DIR: cacheDir}})
      expect(run.code, run.stderr).to.equal(2)
      expect(run.stderr).to.include('Cannot create the config folder /proc/igny8-config')
      expect(run.stderr).to.include('IGNY8_CONFIG_DIR')
    })

    it('an unusable cache folder only means no cache: help and commands still answer', async () => {
      const env = {IGNY8_CACHE_DIR: '/proc/igny8-cache'}
      const help = await runCli(['structure', 'gather', '--help'], {env})
      expect(help.code, help.stderr).to.equal(0)
      expect(help.stdout).to.include('--wp-url')
      const status = await runCli(['auth', 'status', '--json'], {env})
      expect(status.code, status.stderr).to.equal(3)
      expect(status.stderr).to.equal('')
    })
  })
})
