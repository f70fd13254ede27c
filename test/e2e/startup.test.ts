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
  })
})
