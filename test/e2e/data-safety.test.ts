/**
 * Data safety, with igny8 run as real processes (built dist): 20 concurrent `connect`s sharing one
 * profile file (all 20 profiles survive; the file lock is honoured and a stale one taken over); a corrupt
 * profile file (exit 2 naming it, left byte-identical, and commands that need no profile still work);
 * SIGINT in the middle of a push or a gather (exit 130, profile intact, no partial --output file); and
 * hand-made invalid structure files for `structure push --from-file` (exit 2 naming the field, nothing sent).
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import lockfile from 'proper-lockfile'

import {type CliRun, ROOT, tempConfigDir} from '../helpers/cli.js'
import {
  connect,
  connected,
  expectFailure,
  expectJsonFailure,
  expectSuccess,
  fakeWordPress,
  igny8,
  type LocalServer,
  noteProfileSecrets,
  samplePayload,
  serverPool,
  startBackend,
  storedStructure,
  waitFor,
} from '../helpers/faults.js'
import {clearFaults, clearRequests, fault, requests, type Sandbox} from '../helpers/sandbox.js'

/** The profiles of the config file in `dir`. */
const profiles = (dir: string): Record<string, {integrationId?: number; secrets?: Record<string, string>}> =>
  JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).profiles

describe('e2e data safety', function () {
  this.timeout(180_000)
  let sb: Sandbox
  let site: LocalServer
  let work: string
  const {serve, closeAll: closeServers} = serverPool()
  /** The structure file the SIGINT tests push, in this run's work folder. */
  const payloadFile = () => path.join(work, 'structure.json')

  /** A fake WordPress that never answers `route`; `hits()` tells when a request reached it. */
  async function hangingWordPress(route: string): Promise<{url: string; hits: () => number}> {
    let hits = 0
    const server = await serve(
      fakeWordPress({
        override(_req, _res, requested) {
          if (requested !== route) return false
          hits += 1
          return true // never answers
        },
      }),
    )
    return {url: server.url, hits: () => hits}
  }

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'connect.js'))) throw new Error('dist is missing: run `npm run build` first')
    site = await serve(fakeWordPress())
    sb = await startBackend(site.url)
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-safety-'))
  })

  after(async () => {
    await closeServers()
    await sb?.close()
    if (work) fs.rmSync(work, {recursive: true, force: true})
  })

  beforeEach(async () => {
    await clearFaults(sb)
    await clearRequests(sb)
  })

  describe('concurrent writers', () => {
    it('20 concurrent `igny8 connect --profile pN`: all 20 profiles survive, in one valid 0600 file', async () => {
      const dir = tempConfigDir()
      const names = Array.from({length: 20}, (_, i) => `p${i + 1}`)
      const runs = await Promise.all(names.map((name, i) => connect(sb, dir, {profile: name, as: i % 2 === 0 ? 'owner' : 'api-key'})))
      for (const run of runs) expectSuccess(run)
      noteProfileSecrets(dir)
      const stored = profiles(dir)
      expect(Object.keys(stored).sort()).to.deep.equal([...names].sort())
      for (const name of names) {
        expect(stored[name]!.integrationId, name).to.equal(sb.credentials.sites[0]!.integrationId)
        expect(stored[name]!.secrets, name).to.be.an('object').that.is.not.empty
      }

      expect(fs.statSync(path.join(dir, 'config.json')).mode & 0o777).to.equal(0o600)
      expect(fs.readdirSync(dir), 'no lock or temporary file left behind').to.deep.equal(['config.json'])
    })

    it('waits for a lock another process holds, then writes', async () => {
      const dir = tempConfigDir()
      await connected(sb, dir, {profile: 'first'})
      const release = await lockfile.lock(dir, {lockfilePath: path.join(dir, 'config.lock'), realpath: false})
      const heldMs = 2500
      const started = Date.now()
      let released = 0
      const timer = setTimeout(() => {
        released = Date.now()
        release()
      }, heldMs)
      try {
        const run = await connect(sb, dir, {profile: 'second'})
        expectSuccess(run)
        expect(released, 'released before the write finished').to.be.greaterThan(0)
        expect(Date.now() - started, 'connect waited for the lock').to.be.at.least(heldMs)
      } finally {
        clearTimeout(timer)
      }

      expect(Object.keys(profiles(dir)).sort()).to.deep.equal(['first', 'second'])
    })

    it('takes over a stale lock left by a process that died', async () => {
      const dir = tempConfigDir()
      const lock = path.join(dir, 'config.lock')
      fs.mkdirSync(lock)
      const old = new Date(Date.now() - 60_000)
      fs.utimesSync(lock, old, old)
      const run = await connect(sb, dir)
      expectSuccess(run)
      expect(profiles(dir)).to.have.property('default')
      expect(fs.existsSync(lock)).to.equal(false)
    })
  })

  describe('a corrupt profile file', () => {
    const CORRUPT: Array<[string, string]> = [
      ['cut short', '{"profiles": {"default": {"apiUrl": '],
      ['not an object of profiles', '{"profiles": ["default"]}'],
      ['a profile of the wrong shape', '{"profiles": {"default": {"integrationId": "seven", "secrets": {"accessToken": 7}}}}'],
      ['binary garbage', '\u0000\u0001\u00FF{{{'],
    ]

    for (const [label, content] of CORRUPT) {
      it(`${label}: exit 2 naming the file, which stays byte-identical — even for connect`, async () => {
        const dir = tempConfigDir()
        const file = path.join(dir, 'config.json')
        fs.writeFileSync(file, content, {mode: 0o600})
        const before = fs.readFileSync(file)
        for (const args of [['auth', 'status'], ['content-types', 'show'], ['auth', 'logout', '--all'], ['structure', 'push', '--from-file', '-']]) {
          // eslint-disable-next-line no-await-in-loop -- one process at a time: each must find the file as the one before left it (byte-identical)
          const run = await igny8(args, {configDir: dir, input: JSON.stringify(samplePayload())})
          expectFailure(run, 2, /The config file .*config\.json cannot be read/)
          expect(run.stderr, 'names the file').to.include(file)
          expect(fs.readFileSync(file).equals(before), `${args.join(' ')} left it untouched`).to.equal(true)
        }

        const json = await connect(sb, dir, {extra: ['--json']})
        expect(expectJsonFailure(json, 2).message).to.include(file)
        expect(fs.readFileSync(file).equals(before), 'connect did not overwrite it').to.equal(true)
        expect(fs.readdirSync(dir)).to.deep.equal(['config.json'])
      })
    }

    describe('commands that need no profile still work', () => {
      let dir: string
      let before: Buffer

      beforeEach(() => {
        dir = tempConfigDir()
        fs.writeFileSync(path.join(dir, 'config.json'), CORRUPT[0]![1])
        before = fs.readFileSync(path.join(dir, 'config.json'))
      })

      afterEach(() => {
        expect(fs.readFileSync(path.join(dir, 'config.json')).equals(before), 'left untouched').to.equal(true)
      })

      it('--version and --help', async () => {
        const version = await igny8(['--version'], {configDir: dir})
        expectSuccess(version)
        expect(version.stdout).to.match(/^igny8\/\d+\.\d+\.\d+/)
        const help = await igny8(['--help'], {configDir: dir})
        expectSuccess(help)
        expect(help.stdout).to.include('structure')
        expectSuccess(await igny8(['structure', 'gather', '--help'], {configDir: dir}))
      })

      it('structure gather --wp-url, with a warning about the file', async () => {
        const run = await igny8(['structure', 'gather', '--wp-url', site.url, '--json'], {configDir: dir})
        expectSuccess(run)
        const result = run.json()
        expect(result.post_types.post.count).to.be.a('number')
        expect(result.warnings.join('\n')).to.include('cannot be read').and.include('without the stored profile')
      })

      it('structure gather without a URL still reports the broken file (exit 2)', async () => {
        const run = await igny8(['structure', 'gather'], {configDir: dir})
        expectFailure(run, 2, /config\.json cannot be read/)
      })

      it('sandbox serve', async () => {
        let stdout = ''
        const run = await igny8(['sandbox', 'serve', '--port', '0'], {
          configDir: dir,
          onSpawn(child) {
            child.stdout?.on('data', (chunk: Buffer | string) => {
              stdout += String(chunk)
              if (stdout.includes('IGNY8_SANDBOX_READY=1')) child.kill('SIGTERM')
            })
          },
        })
        expectSuccess(run)
        expect(run.stdout).to.match(/^export IGNY8_API_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v1$/m)
      })
    })
  })

  describe('SIGINT', () => {
    let dir: string
    let file: string
    let profileBefore: Buffer

    beforeEach(async () => {
      dir = tempConfigDir()
      await connected(sb, dir)
      file = path.join(dir, 'config.json')
      profileBefore = fs.readFileSync(file)
      fs.writeFileSync(payloadFile(), JSON.stringify(samplePayload()))
    })

    afterEach(() => {
      expect(fs.readFileSync(file).equals(profileBefore), 'profile byte-identical').to.equal(true)
      expect(fs.readdirSync(dir), 'no lock left behind').to.deep.equal(['config.json'])
    })

    /** Runs igny8 and sends SIGINT once `ready` says it is waiting on the network. */
    async function interrupt(args: string[], ready: () => Promise<boolean> | boolean): Promise<CliRun> {
      let child: import('node:child_process').ChildProcess | undefined
      const running = igny8(args, {
        configDir: dir,
        onSpawn(spawned) {
          child = spawned
        },
      })
      await waitFor('the request to hang', ready)
      child!.kill('SIGINT')
      return running
    }

    it('during a push: exit 130, nothing stored, the profile intact', async () => {
      await fault(sb, {path: 'update-structure', hang: true})
      const run = await interrupt(['structure', 'push', '--from-file', payloadFile()], async () => (await requests(sb, 'update-structure')).length > 0)
      expect(run.code, run.stderr).to.equal(130)
      expect(run.stderr).to.include('Interrupted.')
      expect(run.stderr).to.not.match(/^\s+at /m)
      expect(run.stdout).to.not.include('Pushed')
      expect(await storedStructure(sb, sb.credentials.sites[0]!.integrationId!)).to.equal(undefined)
    })

    it('during a push under --json: exit 130 and one error document', async () => {
      await fault(sb, {path: 'update-structure', hang: true})
      const run = await interrupt(['structure', 'push', '--from-file', payloadFile(), '--json'], async () => (await requests(sb, 'update-structure')).length > 0)
      expect(expectJsonFailure(run, 130).code).to.equal('interrupted')
    })

    it('during a push that gathers first (the WordPress is slow): exit 130', async () => {
      const slow = await hangingWordPress('/wp/v2/types')
      const run = await interrupt(['structure', 'push', '--wp-url', slow.url], () => slow.hits() > 0)
      expect(run.code, run.stderr).to.equal(130)
      expect(await requests(sb, 'update-structure')).to.deep.equal([])
    })

    it('during a gather with --output: exit 130, nothing left in the folder', async () => {
      const slow = await hangingWordPress('/wp/v2/taxonomies')
      const out = fs.mkdtempSync(path.join(work, 'out-'))
      const run = await interrupt(['structure', 'gather', '--wp-url', slow.url, '--output', path.join(out, 'structure.json')], () => slow.hits() > 0)
      expect(run.code, run.stderr).to.equal(130)
      expect(fs.readdirSync(out)).to.deep.equal([])
    })

    it('a gather --output that completes replaces the file whole (the old one survives a failure)', async () => {
      const out = fs.mkdtempSync(path.join(work, 'out-'))
      const target = path.join(out, 'structure.json')
      fs.writeFileSync(target, '{"old": true}\n')
      const failed = await igny8(['structure', 'gather', '--wp-url', 'http://127.0.0.1:9', '--output', target], {configDir: dir})
      expectFailure(failed, 5)
      expect(fs.readFileSync(target, 'utf8')).to.equal('{"old": true}\n')
      expectSuccess(await igny8(['structure', 'gather', '--wp-url', site.url, '--output', target], {configDir: dir}))
      expect(JSON.parse(fs.readFileSync(target, 'utf8')).post_types.post).to.be.an('object')
      expect(fs.readdirSync(out)).to.deep.equal(['structure.json'])
    })
  })

  describe('structure push --from-file with hand-made invalid files', () => {
    let dir: string

    before(async () => {
      dir = tempConfigDir()
      await connected(sb, dir)
    })

    const item = {label: 'Products', count: 45, enabled: false, fetch_limit: 50}
    const base = samplePayload()
    const withProduct = (product: unknown) => ({...base, post_types: {...(base.post_types as object), product}})
    const CASES: Array<[string, string, RegExp]> = [
      ['a negative count', JSON.stringify(withProduct({...item, count: -1})), /post_types\.product\.count: expected a non-negative integer/],
      ['a count as a string', JSON.stringify(withProduct({...item, count: '45'})), /post_types\.product\.count: expected a non-negative integer/],
      ['a fractional count', JSON.stringify(withProduct({...item, count: 4.5})), /post_types\.product\.count: expected a non-negative integer/],
      ['fetch_limit 0', JSON.stringify(withProduct({...item, fetch_limit: 0})), /post_types\.product\.fetch_limit: expected a positive integer/],
      ['enabled "yes"', JSON.stringify(withProduct({...item, enabled: 'yes'})), /post_types\.product\.enabled: expected true or false/],
      ['a missing label', JSON.stringify(withProduct({count: 1, enabled: true, fetch_limit: 5})), /post_types\.product\.label: expected a string/],
      ['a slug with capitals and a space', JSON.stringify({...base, taxonomies: {'Product Cat': item}}), /taxonomies\["Product Cat"\]: not a WordPress slug/],
      ['no taxonomies', JSON.stringify({...base, taxonomies: undefined}), /taxonomies: expected an object keyed by taxonomy slug/],
      ['post_types as a list', JSON.stringify({...base, post_types: [item]}), /post_types: expected an object keyed by post type slug/],
      ['a timestamp that is not ISO-8601', JSON.stringify({...base, timestamp: '22/11/2025 10:00'}), /timestamp: expected an ISO-8601 date-time/],
      ['a "__proto__" post type', `{"post_types": {"__proto__": ${JSON.stringify(item)}}, "taxonomies": {}, "timestamp": "2025-11-22T10:00:00Z"}`, /post_types\.__proto__: "__proto__" is not accepted/],
      ['a list at the top', '[]', /\(top level\): /],
      ['not JSON', '{"post_types": {', /is not valid JSON/],
      ['an empty file', '', /is not valid JSON/],
    ]

    for (const [label, content, pattern] of CASES) {
      it(`${label}: exit 2 naming the field, nothing sent`, async () => {
        const file = path.join(work, 'invalid.json')
        fs.writeFileSync(file, content)
        await clearRequests(sb)
        const run = await igny8(['structure', 'push', '--from-file', file], {configDir: dir})
        expectFailure(run, 2, pattern)
        expect(await requests(sb), 'validated before anything is sent').to.deep.equal([])
      })
    }

    it('the same through stdin (--from-file -)', async () => {
      const run = await igny8(['structure', 'push', '--from-file', '-'], {configDir: dir, input: JSON.stringify(withProduct({...item, count: -1}))})
      expectFailure(run, 2, /Invalid structure in stdin: post_types\.product\.count/)
      const empty = await igny8(['structure', 'push', '--from-file', '-'], {configDir: dir, input: ''})
      expectFailure(empty, 2, /Nothing was read from stdin/)
      expect(await requests(sb)).to.deep.equal([])
    })

    it('a file that does not exist: exit 2 naming it', async () => {
      const missing = path.join(work, 'missing.json')
      const run = await igny8(['structure', 'push', '--from-file', missing], {configDir: dir})
      expectFailure(run, 2, new RegExp(`Cannot read the structure file ${missing.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}: no such file\\.$`))
    })

    it('--dry-run of an invalid file: exit 2 as well, nothing read from the backend', async () => {
      const file = path.join(work, 'invalid.json')
      fs.writeFileSync(file, JSON.stringify(withProduct({...item, count: -1})))
      const run = await igny8(['structure', 'push', '--from-file', file, '--dry-run'], {configDir: dir})
      expectFailure(run, 2, /post_types\.product\.count/)
      expect(await requests(sb)).to.deep.equal([])
    })
  })
})
