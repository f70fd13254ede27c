/**
 * Mocha root hooks: every test gets a fresh IGNY8_CONFIG_DIR, nock forbids real network except
 * loopback servers a test starts itself, and a test that leaves nock interceptors unused fails. With
 * IGNY8_TEST_INSTALLED=1 the e2e suites run the installed package (test/helpers/installed.ts).
 */
import type {Context, Hook} from 'mocha'

import nock from 'nock'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {useInstalledBin} from './helpers/cli.js'
import {installedPackage} from './helpers/installed.js'

const savedEnv = {...process.env}

export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true'
    // `npm run test:installed`: the e2e suites run the packed, installed package instead of bin/run.js.
    if (process.env.IGNY8_TEST_INSTALLED === '1') {
      this.timeout(600_000)
      const {bin} = await installedPackage()
      useInstalledBin(bin)
      console.log(`  (the e2e suites run the installed package: ${bin})`)
    }
  },
  beforeEach(): void {
    for (const key of Object.keys(process.env)) if (key.startsWith('IGNY8_')) delete process.env[key]
    process.env.IGNY8_CONFIG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-test-'))
    // Unit tests should never sleep on real back-off.
    process.env.IGNY8_BACKOFF_LIMIT_MS = '20'
    nock.disableNetConnect()
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/)
  },
  afterEach(this: Context): void {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    const dir = process.env.IGNY8_CONFIG_DIR
    if (dir && dir.startsWith(os.tmpdir())) fs.rmSync(dir, {recursive: true, force: true})
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
    Object.assign(process.env, savedEnv)
    if (pending.length > 0 && this.currentTest?.state === 'passed') {
      const hook = this.test as Hook | undefined
      hook?.error(new Error(`unused nock interceptors: ${pending.join(', ')}`))
    }
  },
}
