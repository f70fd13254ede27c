/**
 * Output selection as real processes (built dist: `npm run build` first) against the sandbox and a small
 * fake WordPress: `--format table|json|csv|tsv|yaml` and `--fields` on `content-types show`, `structure
 * gather`, `integration check` and `structure push --all-sites`; `--quiet`; and the TTY rule — in a pipe
 * (every runCli) tables become tab-separated rows without a header, on a real terminal (tmux) they stay.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {Sandbox} from '../../src/lib/sandbox/index.js'

import {cliBin, type CliRun, ROOT, runCli, tempConfigDir} from '../helpers/cli.js'
import {connected, FAKE_WP_COUNTS, fakeWordPress, type LocalServer, serverPool} from '../helpers/faults.js'
import {startTestSandbox} from '../helpers/sandbox.js'

const details = (run: CliRun) => `exit ${run.code}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`
const ok = (run: CliRun): CliRun => {
  expect(run.code, details(run)).to.equal(0)
  return run
}

/** What content-types show holds after a push of the fake WordPress, as rows. */
const ROWS = [
  {kind: 'post_type', slug: 'page', label: 'Pages', count: FAKE_WP_COUNTS.page, enabled: true, fetch_limit: 100},
  {kind: 'post_type', slug: 'post', label: 'Posts', count: FAKE_WP_COUNTS.post, enabled: true, fetch_limit: 100},
  {kind: 'taxonomy', slug: 'category', label: 'Categories', count: FAKE_WP_COUNTS.category, enabled: true, fetch_limit: 100},
  {kind: 'taxonomy', slug: 'post_tag', label: 'Tags', count: FAKE_WP_COUNTS.post_tag, enabled: true, fetch_limit: 100},
]

/** PyYAML, when installed, as a second opinion that the YAML reads back as the JSON rows. */
function yamlAsJson(text: string): unknown {
  const probe = spawnSync('python3', ['-c', 'import yaml'])
  if (probe.error || probe.status !== 0) return undefined
  const run = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {input: text, encoding: 'utf8'})
  expect(run.status, run.stderr).to.equal(0)
  return JSON.parse(run.stdout)
}

describe('e2e: --format, --fields, --quiet and the TTY rule', function () {
  this.timeout(120_000)
  const {closeAll, serve} = serverPool()
  let wordpress: LocalServer
  let sb: Sandbox
  let configDir: string
  /** The login of the fleet commands (email and password: every site). */
  let fleetEnv: NodeJS.ProcessEnv

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, {configDir, env: {IGNY8_HTTP_RETRIES: '1', ...env}})

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'content-types', 'show.js'))) throw new Error('dist is missing: run `npm run build` first')

    wordpress = await serve(fakeWordPress())
    sb = await startTestSandbox({sites: 2, wpUrls: [wordpress.url]})
    fleetEnv = {IGNY8_API_URL: sb.apiUrl, IGNY8_EMAIL: sb.credentials.email, IGNY8_PASSWORD: sb.credentials.password}
    configDir = tempConfigDir()
    await connected(sb, configDir, {as: 'api-key'})
    ok(await cli(['structure', 'push', '--source', 'rest']))
  })

  after(async () => {
    await sb?.close()
    await closeAll()
  })

  describe('content-types show', () => {
    it('in a pipe with no --format: tab-separated rows (synced counts 0: nothing synced yet), no header, no box drawing', async () => {
      const run = ok(await cli(['content-types', 'show']))
      expect(run.stdout).to.equal(ROWS.map((row) => [row.kind, row.slug, row.label, row.count, 0, row.enabled, row.fetch_limit].join('\t')).join('\n') + '\n')
      expect(run.stderr).to.include('Structure last pushed')
    })

    it('--format json: the rows as a JSON array; --format json and --json together exit 2', async () => {
      const run = ok(await cli(['content-types', 'show', '--format', 'json', '--fields', 'kind,slug,label,count,enabled,fetch_limit']))
      expect(run.json()).to.deep.equal(ROWS)
      const both = await cli(['content-types', 'show', '--format', 'json', '--json'])
      expect(both.code).to.equal(2)
      expect(both.json().error.message).to.match(/^--format cannot be used with --json/)
    })

    it('--format csv and tsv: a header, the fields in the order asked', async () => {
      const csv = ok(await cli(['content-types', 'show', '--format', 'csv', '--fields', 'slug,count,kind']))
      expect(csv.stdout).to.equal(['slug,count,kind', ...ROWS.map((row) => `${row.slug},${row.count},${row.kind}`), ''].join('\n'))
      const tsv = ok(await cli(['content-types', 'show', '--format', 'tsv', '--fields', 'slug,enabled']))
      expect(tsv.stdout).to.equal(['slug\tenabled', ...ROWS.map((row) => `${row.slug}\ttrue`), ''].join('\n'))
    })

    it('--format yaml: a list of mappings that a YAML reader reads back as the rows', async () => {
      const run = ok(await cli(['content-types', 'show', '--format', 'yaml', '--fields', 'kind,slug,label,count,enabled,fetch_limit']))
      expect(run.stdout.split('\n').slice(0, 6)).to.deep.equal(['- kind: post_type', '  slug: page', '  label: Pages', `  count: ${FAKE_WP_COUNTS.page}`, '  enabled: true', '  fetch_limit: 100'])
      const parsed = yamlAsJson(run.stdout)
      if (parsed !== undefined) expect(parsed).to.deep.equal(ROWS)
    })

    it('--format table: box-drawn, asked for, even in a pipe', async () => {
      const run = ok(await cli(['content-types', 'show', '--format', 'table', '--fields', 'slug,count']))
      expect(run.stdout.split('\n').slice(0, 4)).to.deep.equal(['┌──────────┬───────┐', '│ slug     │ count │', '├──────────┼───────┤', `│ page     │     ${FAKE_WP_COUNTS.page} │`])
    })

    it('an unknown field exits 2 listing the valid ones', async () => {
      const run = await cli(['content-types', 'show', '--fields', 'slug,sync'])
      expect(run.code).to.equal(2)
      expect(run.stdout).to.equal('')
      expect(run.stderr).to.include('Error: Unknown field "sync" for --fields: the fields are kind, slug, label, count, synced_count, enabled, fetch_limit.')
    })
  })

  describe('structure gather', () => {
    it('--format json holds the same items as --json; in a pipe, TSV rows', async () => {
      const payload = ok(await cli(['structure', 'gather', '--source', 'rest', '--json'])).json()
      const rows = ok(await cli(['structure', 'gather', '--source', 'rest', '--format', 'json'])).json() as Array<{kind: string; slug: string; count: number}>
      expect(rows).to.deep.equal(ROWS)
      expect(rows.filter((row) => row.kind === 'post_type').map((row) => row.slug)).to.deep.equal(Object.keys(payload.post_types).sort())
      const piped = ok(await cli(['structure', 'gather', '--source', 'rest']))
      expect(piped.stdout.split('\n')[0]).to.equal(`post_type\tpage\tPages\t${FAKE_WP_COUNTS.page}\ttrue\t100`)
    })
  })

  describe('integration check', () => {
    it('in a pipe with no --format the report stays as it is', async () => {
      const run = await cli(['integration', 'check', '--source', 'rest'])
      expect(run.stdout, details(run)).to.match(/^Integration check · profile default/)
      expect(run.stdout.trimEnd().split('\n').at(-1)).to.match(/^(✓ OK|✗ FAILED)/)
    })

    it('--format csv --fields: one row per check on stdout, the verdict on stderr; the exit code as without it', async () => {
      const json = (await cli(['integration', 'check', '--source', 'rest', '--json'])).json()
      const run = await cli(['integration', 'check', '--source', 'rest', '--format', 'csv', '--fields', 'id,status,required'])
      expect(run.code, details(run)).to.equal(json.ok ? 0 : 1)
      expect(run.stdout).to.equal(['id,status,required', ...json.checks.map((c: {id: string; required: boolean; status: string}) => `${c.id},${c.status},${c.required}`), ''].join('\n'))
      expect(run.stderr.trimEnd().split('\n').at(-1)).to.match(/^(✓ OK|✗ FAILED)/)
    })

    it('--quiet: the verdict line alone, nothing on stderr', async () => {
      const run = await cli(['integration', 'check', '--source', 'rest', '--quiet'])
      expect(run.stdout.split('\n'), details(run)).to.have.length(2)
      expect(run.stdout).to.match(/^(✓ OK|✗ FAILED): .*\n$/)
      expect(run.stderr).to.equal('')
    })

    it('--all-sites --format tsv: a row per check of each site with its id and name', async () => {
      const run = await runCli(['integration', 'check', '--all-sites', '--source', 'rest', '--format', 'tsv', '--fields', 'siteId,siteName,id,status'], {env: fleetEnv})
      const lines = run.stdout.trimEnd().split('\n')
      expect(lines[0], details(run)).to.equal('siteId\tsiteName\tid\tstatus')
      expect(lines[1]).to.match(/^\t\tconfig\tpass$/)
      expect(lines.filter((line) => line.startsWith('1\t')).length).to.be.above(5)
      expect(lines.filter((line) => line.startsWith('2\t')).length).to.be.above(5)
    })
  })

  describe('structure push', () => {
    it('--all-sites --format tsv: a header and a row per site; the summary on stderr', async () => {
      const run = ok(await runCli(['structure', 'push', '--all-sites', '--source', 'rest', '--dry-run', '--format', 'tsv', '--fields', 'siteId,integrationId,action'], {env: fleetEnv}))
      const lines = run.stdout.trimEnd().split('\n')
      expect(lines[0]).to.equal('siteId\tintegrationId\taction')
      expect(lines.slice(1).map((line) => line.split('\t')[0])).to.deep.equal(sb.credentials.sites.map((site) => String(site.id)))
      expect(run.stderr).to.match(/^✓ Dry run, nothing sent: \d of 2 sites would be pushed; .*\n$/)
    })

    it('--quiet, one site and --all-sites: the one result line, nothing on stderr', async () => {
      const single = ok(await cli(['structure', 'push', '--source', 'rest', '--quiet']))
      expect(single.stdout).to.match(/^Pushed 2 post types and 2 taxonomies to integration \d+: .*\n$/)
      expect(single.stderr).to.equal('')
      const fleet = ok(await runCli(['structure', 'push', '--all-sites', '--source', 'rest', '--dry-run', '-q'], {env: fleetEnv}))
      expect(fleet.stdout).to.match(/^✓ Dry run, nothing sent: \d of 2 sites would be pushed; .*\n$/)
      expect(fleet.stderr).to.equal('')
    })
  })

  describe('on a real terminal (tmux)', () => {
    const socket = `igny8-test-${process.pid}`
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'})

    before(function () {
      if (spawnSync('tmux', ['-V']).error) this.skip()
    })

    after(() => {
      tmux('kill-server')
    })

    /** Runs the command in a 120×40 tmux window and returns what the screen shows. */
    async function onScreen(command: string): Promise<string> {
      const name = `s${Date.now()}`
      const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-tty-')), 'run.sh')
      fs.writeFileSync(script, `export IGNY8_CONFIG_DIR='${configDir}' OCLIF_SKIP_NEW_VERSION_CHECK=true NO_COLOR=1\n${command}\necho __DONE__\nsleep 60\n`)
      const started = tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', `sh ${script}`)
      expect(started.status, started.stderr).to.equal(0)
      try {
        const deadline = Date.now() + 30_000
        for (;;) {
          const screen = tmux('capture-pane', '-p', '-t', name).stdout
          if (screen.includes('__DONE__')) return screen
          if (Date.now() > deadline) throw new Error(`the command did not finish in tmux:\n${screen}`)
          // eslint-disable-next-line no-await-in-loop -- polling the screen
          await new Promise((resolve) => {
            setTimeout(resolve, 100)
          })
        }
      } finally {
        tmux('kill-session', '-t', name)
        fs.rmSync(path.dirname(script), {recursive: true, force: true})
      }
    }

    it('content-types show: box-drawn tables on the terminal, TSV rows when piped to cat', async () => {
      const terminal = await onScreen(`node ${cliBin()} content-types show`)
      expect(terminal).to.include('Post types\n┌')
      expect(terminal).to.match(new RegExp(`│ post\\s+│ Posts\\s+│\\s+${FAKE_WP_COUNTS.post} │`))
      const piped = await onScreen(`node ${cliBin()} content-types show | cat`)
      expect(piped).to.not.include('┌')
      expect(piped).to.match(new RegExp(`post_type\\s+post\\s+Posts\\s+${FAKE_WP_COUNTS.post}\\s+0\\s+true\\s+100`))
    })

    it('--format tsv on the terminal has a header; --fields alone is a table', async () => {
      const tsv = await onScreen(`node ${cliBin()} content-types show --format tsv --fields slug,count`)
      expect(tsv).to.match(new RegExp(`^slug\\s+count\\npage\\s+${FAKE_WP_COUNTS.page}\\n`, 'm'))
      const table = await onScreen(`node ${cliBin()} content-types show --fields slug,count`)
      expect(table).to.include('│ slug     │ count │')
    })
  })
})
