/**
 * Mocha root hooks: every test gets a fresh IGNY8_CONFIG_DIR, nock forbids real network except
 * loopback servers a test starts itself, and a test that leaves nock interceptors unused fails.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import nock from 'nock'

const savedEnv = {...process.env}

export const mochaHooks = {
  beforeAll(): void {
    process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true'
  },
  beforeEach(): void {
    for (const key of Object.keys(process.env)) if (key.startsWith('IGNY8_')) delete process.env[key]
    process.env.IGNY8_CONFIG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-test-'))
    // Unit tests should never sleep on real back-off.
    process.env.IGNY8_BACKOFF_LIMIT_MS = '20'
    nock.disableNetConnect()
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/)
  },
  afterEach(this: Mocha.Context): void {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    const dir = process.env.IGNY8_CONFIG_DIR
    if (dir && dir.startsWith(os.tmpdir())) fs.rmSync(dir, {recursive: true, force: true})
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
    Object.assign(process.env, savedEnv)
    if (pending.length > 0 && this.currentTest?.state === 'passed') {
      const hook = this.test as Mocha.Hook | undefined
      hook?.error(new Error(`unused nock interceptors: ${pending.join(', ')}`))
    }
  },
}
