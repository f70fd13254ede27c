/**
 * `igny8 sandbox serve` as a child process (built code: skipped until `npm run build` has made dist/).
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {loginDataSchema, paths} from '../../../src/lib/backend/contract.js'
import {requests, type SpawnedSandbox, spawnSandbox, startTestSandbox} from '../../helpers/sandbox.js'
import {call, expectOk} from './support.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const BUILT = fs.existsSync(path.join(ROOT, 'dist', 'commands', 'sandbox', 'serve.js'))

function runServe(args: string[]): {status: number | null; stdout: string; stderr: string} {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'sandbox', 'serve', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 15_000,
    env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
  })
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

describe('sandbox: the serve command', function () {
  this.timeout(30_000)
  let spawned: SpawnedSandbox | undefined
  let dir: string

  before(function () {
    if (!BUILT) this.skip()
  })

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-serve-'))
  })

  afterEach(async () => {
    await spawned?.stop()
    spawned = undefined
    fs.rmSync(dir, {recursive: true, force: true})
  })

  it('prints KEY=value lines then the ready line, serves, and exits 0 on SIGTERM', async () => {
    spawned = await spawnSandbox(['--sites', '3', '--wp-url', 'http://wp.test:8080'])
    expect(spawned.apiUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    expect(spawned.credentials.email).to.equal('demo@igny8.local')
    expect(spawned.credentials.sites).to.have.length(3)
    expect(spawned.credentials.sites[2]).to.deep.include({id: 3, name: 'Demo Site 3', domain: 'site3.example.test', integrationId: 103})
    expect(spawned.credentials.sites[2]!.apiKey).to.match(/^igny8_\w{32}$/)
    const {email, password} = spawned.credentials
    expectOk(await call(spawned, 'POST', paths.login, {body: {email, password}}), loginDataSchema)
    expect((await requests(spawned)).map((entry) => entry.path)).to.deep.equal(['/api/v1/auth/login/'])
    expect(await spawned.stop()).to.equal(0)
    expect(spawned.stderr()).to.include('Sandbox stopped.')
    spawned = undefined
  })

  it('prints a single JSON line instead with --json', async () => {
    spawned = await spawnSandbox(['--json'])
    expect(spawned.env).to.deep.equal({})
    expect(spawned.credentials.sites.map((site) => site.integrationId)).to.deep.equal([101, 102])
    const {email, password} = spawned.credentials
    expectOk(await call(spawned, 'POST', paths.login, {body: {email, password}}), loginDataSchema)
    expect(spawned.stdout().trim().split('\n')).to.have.length(1)
  })

  it('exits 2 with one line when the port is taken', async () => {
    const busy = await startTestSandbox()
    try {
      const result = runServe(['--port', String(busy.port)])
      expect(result.status).to.equal(2)
      expect(result.stdout).to.equal('')
      expect(result.stderr.trim().split('\n')).to.deep.equal([`Error: Port ${busy.port} on 127.0.0.1 is already in use; choose another with --port (0 picks a free one).`])
    } finally {
      await busy.close()
    }
  })

  it('exits 2 on a corrupt state file and leaves it as it was', () => {
    const file = path.join(dir, 'state.json')
    fs.writeFileSync(file, '{"version": 1, "sites": ')
    const result = runServe(['--port', '0', '--state', file])
    expect(result.status).to.equal(2)
    expect(result.stderr).to.include(file).and.include('left untouched')
    expect(fs.readFileSync(file, 'utf8')).to.equal('{"version": 1, "sites": ')
  })
})
