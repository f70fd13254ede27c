/**
 * The reports, proved by the tools that read them: the HTML report rendered by a real headless Chromium
 * (Debian: chromium) — its script runs under its own Content-Security-Policy, the counts and the failing
 * sites are in the DOM, a hostile site name stays text, sorting and filtering work, nothing is fetched,
 * and a screenshot comes out — and the metrics linted by promtool (Debian: prometheus).
 *
 * Without the tools these tests are skipped, saying so; under CI (CI set) a missing tool fails them.
 * CHROMIUM_BIN and PROMTOOL_BIN name the tools when they are elsewhere. With
 * IGNY8_REPORT_ARTIFACTS=<folder>, the HTML, the screenshot and the metrics are kept there.
 */
import type {Context} from 'mocha'

import {expect} from 'chai'
import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import type {FleetReport} from '../../src/lib/checks/integration-check.js'

import {renderHtmlReport} from '../../src/lib/reports/html.js'
import {renderMetrics} from '../../src/lib/reports/metrics.js'
import {fleetFixture, singleFixture, siteIdOf} from '../helpers/report-fixtures.js'

// Read now: the root hooks clear IGNY8_* variables before each test.
const ARTIFACTS = process.env.IGNY8_REPORT_ARTIFACTS
/** Where the tools are, when not where Debian puts them (CHROMIUM_BIN=/usr/bin/chromium-browser). */
const CHROMIUM = process.env.CHROMIUM_BIN ? [process.env.CHROMIUM_BIN] : ['/usr/bin/chromium', 'chromium']
const PROMTOOL = process.env.PROMTOOL_BIN ? [process.env.PROMTOOL_BIN] : ['promtool']

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Every host name fails to resolve: a page that needed the network would come out incomplete.
  '--host-resolver-rules=MAP * ~NOTFOUND',
]

const CONTEXT = {generatedAt: new Date('2026-01-02T03:04:05.678Z'), apiUrl: 'https://api.igny8.com/api/v1', version: '0.1.0', strict: false}

/**
 * 50 sites: 5 never pushed (4, 14, …, 44), 2 unreachable (7, 21), 1 stale (30): 8 failing; drift on
 * 5, 13, 29, 37 and 45: 5 warning (21 drifted too, but was unreachable). Site 3 is named HOSTILE_NAME.
 */
const FLEET_OPTIONS = {
  sites: 50,
  notStored: (i: number) => i % 10 === 4,
  unreachable: (i: number) => i === 7 || i === 21,
  stale: (i: number) => i === 30,
  drifted: (i: number) => i % 8 === 5,
  hostile: 3,
}
const FAILING = [4, 7, 14, 21, 24, 30, 34, 44].map((i) => siteIdOf(i))
const WARNING = [5, 13, 29, 37, 45].map((i) => siteIdOf(i))

/** The tool's path, or: skipped (saying why), or under CI a failure. */
function requireTool(ctx: Context, name: string, candidates: string[], install: string): string {
  const found = candidates.find((candidate) => !spawnSync(candidate, ['--version'], {stdio: 'ignore', timeout: 30_000}).error)
  if (found) return found
  const message = `${name} is not installed (${install})`
  if (process.env.CI) throw new Error(`${message}: under CI (CI=${process.env.CI}) the report tests must run, not skip.`)
  console.log(`      skipped: ${message}; these tests run when it is there, and must under CI.`)
  ctx.skip()
  throw new Error('unreachable')
}

function keep(file: string): void {
  if (!ARTIFACTS) return
  fs.mkdirSync(ARTIFACTS, {recursive: true})
  fs.copyFileSync(file, path.join(ARTIFACTS, path.basename(file)))
}

const decodeText = (text: string): string => text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&')

/**
 * Instrumented copy of a report, for what only a script can see: the page's own CSP is taken out (so
 * the markup itself is what is tested for requests, not the policy), a probe clicks and types as a
 * person would, and on load lists every resource the page fetched (Resource Timing lists failed
 * fetches too) and whether the hostile name ran. The result is left in <pre id="probe">, URI-encoded.
 */
const PROBE = `
(function () {
  var d = document, out = {}, q = d.getElementById('q'), st = d.getElementById('st');
  var ids = function () {
    return [].slice.call(d.querySelectorAll('#list > details.site')).filter(function (e) { return !e.hidden; })
      .map(function (e) { return +e.querySelector('summary > span').textContent; });
  };
  var click = function (el) { el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true})); };
  var set = function (el, value) { el.value = value; el.dispatchEvent(new Event('input', {bubbles: true})); };
  out.className = d.documentElement.className;
  out.controlsHidden = d.getElementById('controls').hidden;
  out.initial = ids();
  click(d.querySelector('[data-sort="0"]'));
  out.byId = ids();
  out.byIdSort = d.querySelector('[data-sort="0"]').getAttribute('aria-sort');
  click(d.querySelector('[data-sort="0"]'));
  out.byIdDescending = ids();
  out.byIdDescendingSort = d.querySelector('[data-sort="0"]').getAttribute('aria-sort');
  out.statusSort = d.querySelector('[data-sort="3"]').getAttribute('aria-sort');
  set(q, 'wordpress.reachable');
  out.filtered = ids();
  out.shown = d.getElementById('shown').textContent;
  set(q, '');
  set(st, 'warn');
  out.warnOnly = ids();
  set(st, '');
  set(q, 'no such site anywhere');
  out.none = ids();
  out.emptyVisible = !d.getElementById('empty').hidden;
  set(q, '');
  click(d.querySelector('[data-cause="structure.stored"]'));
  out.cause = {q: q.value, ids: ids()};
  window.addEventListener('load', function () {
    out.title = d.title;
    out.pwned = !!d.getElementById('pwned');
    out.resources = performance.getEntriesByType('resource').map(function (r) { return r.name; });
    var pre = d.createElement('pre');
    pre.id = 'probe';
    pre.textContent = encodeURIComponent(JSON.stringify(out));
    d.body.appendChild(pre);
  });
})();
`

interface ProbeResult {
  className: string
  controlsHidden: boolean
  initial: number[]
  byId: number[]
  byIdSort: string
  byIdDescending: number[]
  byIdDescendingSort: string
  statusSort: string | null
  filtered: number[]
  shown: string
  warnOnly: number[]
  none: number[]
  emptyVisible: boolean
  cause: {q: string; ids: number[]}
  title: string
  pwned: boolean
  resources: string[]
}

function instrument(html: string, extraBody = ''): string {
  const withoutCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '')
  expect(withoutCsp).to.not.equal(html)
  return withoutCsp.replace('</body>', `${extraBody}<script>${PROBE}</script>\n</body>`)
}

describe('e2e: reports read by the tools that read them', function () {
  this.timeout(120_000)
  let work: string

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-reports-'))
  })

  after(() => {
    if (work) fs.rmSync(work, {recursive: true, force: true})
  })

  describe('the HTML report in headless Chromium', () => {
    let chromium: string
    let report: FleetReport
    let htmlFile: string

    before(function () {
      chromium = requireTool(this, 'Chromium', CHROMIUM, 'Debian: apt-get install chromium')
      report = fleetFixture(FLEET_OPTIONS)
      htmlFile = path.join(work, 'igny8-report.html')
      fs.writeFileSync(htmlFile, renderHtmlReport(report, CONTEXT))
      keep(htmlFile)
    })

    /** Chromium on `file`, with a fresh profile each time; throws with its stderr when it fails. */
    function run(file: string, args: string[]): SpawnSyncReturns<string> {
      const profile = fs.mkdtempSync(path.join(work, 'profile-'))
      const result = spawnSync(chromium, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args, pathToFileURL(file).href], {
        encoding: 'utf8',
        timeout: 90_000,
        maxBuffer: 256 * 1024 * 1024,
      })
      if (result.error) throw result.error
      expect(result.status, `chromium ${args.join(' ')} failed:\n${result.stderr.slice(-3000)}`).to.equal(0)
      return result
    }

    const dumpDom = (file: string): string => run(file, ['--dump-dom']).stdout

    function probe(file: string): ProbeResult {
      const dom = dumpDom(file)
      const encoded = /<pre id="probe">([^<]*)<\/pre>/.exec(dom)?.[1]
      expect(encoded, 'the probe left no result: did the page load?').to.be.a('string')
      return JSON.parse(decodeURIComponent(encoded!)) as ProbeResult
    }

    it('is complete with no network, its script ran under its own policy, and the hostile name stayed text', () => {
      const dom = dumpDom(htmlFile)
      expect(dom.trimEnd().endsWith('</html>'), 'the whole document').to.equal(true)
      // The script ran (it marks the root and shows the controls): the CSP's hashes match the page's script.
      expect(dom).to.include('<html lang="en" class="js">')
      expect(dom).to.include('<div class="controls" id="controls" role="search">')
      expect(dom).to.include('<span id="shown" class="muted" aria-live="polite">All 50 sites</span>')
      // The summary.
      expect(dom).to.include('<h1>FAILING</h1>')
      expect(dom).to.include('<p class="why">8 of 50 sites failing; 5 sites with warnings.</p>')
      expect(dom).to.match(/<span class="num">8<\/span><span class="lbl">failing<\/span>/)
      expect(dom).to.include('<code>structure.stored</code><span class="count">×5</span>')
      // Every site is in the table, a failing one among the first.
      expect(dom.match(/<details class="site /g)).to.have.length(50)
      expect(dom).to.include(`<details class="site fail"><summary><span>${FAILING[0]}</span>`)
      // The hostile name: shown as text; its script did not retitle the page nor add its element.
      expect(dom).to.include('<title>igny8 integration check: FAILING · 50 sites · profile default</title>')
      expect(dom).to.not.include('id="pwned"')
      expect(dom).to.not.include('PWNED</title>')
      expect(decodeText(dom)).to.include(`<script>document.title='PWNED';`)
    })

    it('sorts and filters the sites, and fetches nothing even without its policy', () => {
      const file = path.join(work, 'probe.html')
      fs.writeFileSync(file, instrument(fs.readFileSync(htmlFile, 'utf8')))
      const result = probe(file)
      const all = report.sites.map((s) => s.siteId)
      expect(result.className).to.equal('js')
      expect(result.controlsHidden).to.equal(false)
      expect(result.statusSort).to.equal(null)
      // As rendered: failing, then warning, then passing, each by id.
      expect(result.initial.slice(0, FAILING.length)).to.deep.equal(FAILING)
      expect(result.initial.slice(FAILING.length, FAILING.length + WARNING.length)).to.deep.equal(WARNING)
      expect(result.byId).to.deep.equal([...all].sort((a, b) => a - b))
      expect(result.byIdSort).to.equal('ascending')
      expect(result.byIdDescending).to.deep.equal([...all].sort((a, b) => b - a))
      expect(result.byIdDescendingSort).to.equal('descending')
      expect(result.filtered.sort()).to.deep.equal([siteIdOf(7), siteIdOf(21)])
      expect(result.shown).to.equal('2 of 50 sites')
      expect(result.warnOnly.sort()).to.deep.equal(WARNING)
      expect(result.none).to.deep.equal([])
      expect(result.emptyVisible).to.equal(true)
      expect(result.cause.q).to.equal('structure.stored')
      expect(result.cause.ids.sort()).to.deep.equal([4, 14, 24, 34, 44].map((i) => siteIdOf(i)))
      // No script but ours ran, and the page requested nothing at all.
      expect(result.title).to.equal('igny8 integration check: FAILING · 50 sites · profile default')
      expect(result.pwned).to.equal(false)
      expect(result.resources).to.deep.equal([])
    })

    it('(the probe does see a request when a page makes one)', () => {
      const file = path.join(work, 'control.html')
      fs.writeFileSync(file, instrument(fs.readFileSync(htmlFile, 'utf8'), '<img alt="" src="https://igny8-probe.invalid/pixel.png">'))
      expect(probe(file).resources).to.deep.equal(['https://igny8-probe.invalid/pixel.png'])
    })

    it('renders to a screenshot', () => {
      const png = path.join(work, 'igny8-report.png')
      run(htmlFile, [`--screenshot=${png}`, '--window-size=1280,900', '--hide-scrollbars'])
      expect(fs.existsSync(png), 'no screenshot written').to.equal(true)
      keep(png)
      const bytes = fs.readFileSync(png)
      expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').to.equal(true)
      expect(bytes.subarray(12, 16).toString('latin1')).to.equal('IHDR')
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).to.deep.equal([1280, 900])
      // A blank page of that size is about 5 KB; this one has text, colours and a table.
      expect(bytes.length, `${bytes.length} bytes`).to.be.above(40_000)
    })
  })

  describe('the metrics under promtool', () => {
    let promtool: string

    before(function () {
      promtool = requireTool(this, 'promtool', PROMTOOL, 'Debian: apt-get install prometheus')
    })

    /** `promtool check metrics` on the file's content (it reads stdin): exit status and everything it said. */
    function check(file: string): {status: number | null; said: string} {
      const result = spawnSync(promtool, ['check', 'metrics'], {input: fs.readFileSync(file), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024})
      if (result.error) throw result.error
      return {status: result.status, said: `${result.stdout}${result.stderr}`}
    }

    it('accepts a fleet report with hostile names, without a lint problem', () => {
      const file = path.join(work, 'igny8.prom')
      fs.writeFileSync(file, renderMetrics(fleetFixture({...FLEET_OPTIONS, shard: {index: 1, count: 2, fleetSites: 100}}), CONTEXT))
      keep(file)
      expect(check(file)).to.deep.equal({status: 0, said: ''})
    })

    it('accepts a single-site report, and a fleet of 1,000 sites', () => {
      const single = path.join(work, 'single.prom')
      fs.writeFileSync(single, renderMetrics(singleFixture({integrationId: null}), CONTEXT))
      expect(check(single)).to.deep.equal({status: 0, said: ''})
      const large = path.join(work, 'fleet-1000.prom')
      fs.writeFileSync(large, renderMetrics(fleetFixture({...FLEET_OPTIONS, sites: 1000}), CONTEXT))
      expect(check(large)).to.deep.equal({status: 0, said: ''})
    })

    it('(promtool does object to a problem)', () => {
      const file = path.join(work, 'bad.prom')
      fs.writeFileSync(file, '# HELP igny8_sites_total Sites.\n# TYPE igny8_sites_total gauge\nigny8_sites_total 3\n')
      const result = check(file)
      expect(result.status).to.not.equal(0)
      expect(result.said).to.include('non-counter metrics should not have "_total" suffix')
    })
  })
})
