/**
 * bin/run.js tunes V8 for short runs (see tuneV8ForShortRuns there) and dist/vendor/code-cache.js keeps
 * the compiled vendor bundles per set of V8 flags: a run under other flags (NODE_OPTIONS, or
 * `sandbox serve`, which is not tuned) must neither reject nor replace the cache the tuned runs use.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {runCli, tempConfigDir} from '../helpers/cli.js'
import {spawnSandbox} from '../helpers/sandbox.js'

describe('e2e: start-up tuning and the code cache', function () {
  this.timeout(60_000)
  let cacheDir: string
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-cache-'))
  })
  afterEach(() => fs.rmSync(cacheDir, {recursive: true, force: true}))

  const cached = (): string[] => (fs.existsSync(path.join(cacheDir, 'v8')) ? fs.readdirSync(path.join(cacheDir, 'v8')).sort() : [])
  const statusRun = (env: NodeJS.ProcessEnv = {}) => runCli(['auth', 'status', '--json'], {configDir: tempConfigDir(), env: {IGNY8_CACHE_DIR: cacheDir, ...env}})

  it('a tuned run stores its cache once; runs under other V8 flags keep their own next to it', async () => {
    const first = await statusRun()
    expect(first.code, first.stderr).to.equal(3)
    expect(JSON.parse(first.stdout).error.code).to.equal('not_connected')
    const tuned = cached()
    expect(tuned.some((file) => /^oclif-core\.cjs-[\da-f]+-v[\d.]+-\w+-short-run\.v8$/.test(file)), tuned.join(', ')).to.equal(true)
    const mtimes = tuned.map((file) => fs.statSync(path.join(cacheDir, 'v8', file)).mtimeMs)

    // The second tuned run uses the cache: nothing is written again.
    await statusRun()
    expect(cached()).to.deep.equal(tuned)
    expect(tuned.map((file) => fs.statSync(path.join(cacheDir, 'v8', file)).mtimeMs)).to.deep.equal(mtimes)

    // The user's own heap flag: no tuning, a cache of its own, and the tuned one stays.
    const own = await statusRun({NODE_OPTIONS: '--max-old-space-size=512'})
    expect(own.code, own.stderr).to.equal(3)
    expect(JSON.parse(own.stdout).error.code).to.equal('not_connected')
    const both = cached()
    for (const file of tuned) expect(both).to.include(file)
    expect(both.some((file) => /^oclif-core\.cjs-.*-default-[\da-f]+\.v8$/.test(file)), both.join(', ')).to.equal(true)

    // IGNY8_V8_DEFAULTS=1: V8's own settings, and their own cache too.
    const plain = await statusRun({IGNY8_V8_DEFAULTS: '1'})
    expect(plain.code, plain.stderr).to.equal(3)
    const all = cached()
    for (const file of both) expect(all).to.include(file)
    expect(all.some((file) => /^oclif-core\.cjs-.*-default\.v8$/.test(file)), all.join(', ')).to.equal(true)
  })

  it('sandbox serve, a long-lived server, keeps V8\'s defaults (and a cache of its own, next to the tuned one)', async () => {
    await statusRun()
    const tuned = cached()
    const sandbox = await spawnSandbox([], {env: {IGNY8_CACHE_DIR: cacheDir}})
    await sandbox.stop()
    const all = cached()
    for (const file of tuned) expect(all).to.include(file)
    expect(all.some((file) => /^oclif-core\.cjs-.*-default\.v8$/.test(file)), all.join(', ')).to.equal(true)
  })

  describe('folders where mkdir answers ENOENT under an existing parent (/proc)', function () {
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
