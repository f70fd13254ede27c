import {expect} from 'chai'
import {createHash} from 'node:crypto'

import type {FleetReport} from '../../../src/lib/checks/integration-check.js'

import {causeGroups, siteState} from '../../../src/lib/checks/causes.js'
import {summarize} from '../../../src/lib/checks/runner.js'
import {renderHtmlReport} from '../../../src/lib/reports/html.js'
import {check, fleetFixture, HINTS, HOSTILE_NAME, sharedChecks, singleFixture, siteIdOf} from '../../helpers/report-fixtures.js'

const CONTEXT = {generatedAt: new Date('2026-01-02T03:04:05.678Z'), apiUrl: 'https://api.igny8.com/api/v1', version: '1.2.3', strict: false}

/** 20 sites: 5 never pushed, 3 drifted (one of them also unreachable), 2 unreachable, 1 stale; site 7 hostile. */
const fleet = (): FleetReport =>
  fleetFixture({
    sites: 20,
    notStored: (i) => i >= 15,
    drifted: (i) => i === 1 || i === 2 || i === 3,
    unreachable: (i) => i === 3 || i === 4,
    stale: (i) => i === 9,
    hostile: 7,
  })

/** The text of the elements of `tag` with `class` (first level of nesting only: enough for these tests). */
const between = (html: string, start: string, end: string): string => {
  const from = html.indexOf(start)
  expect(from, `no ${start}`).to.not.equal(-1)
  const to = html.indexOf(end, from + start.length)
  expect(to, `no ${end} after ${start}`).to.not.equal(-1)
  return html.slice(from + start.length, to)
}

const sha = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
const siteRows = (html: string): string[] => html.split('<details class="site ').slice(1)
const idOfRow = (row: string): number => Number(/^\w+"><summary><span>(\d+)<\/span>/.exec(row)?.[1])
const textOf = (markup: string): string => markup.replaceAll(/<[^>]*>/g, '')

/** Every attribute of every start tag, as [name, value] (the renderer always double-quotes values). */
function attributes(html: string): Array<[string, string]> {
  const found: Array<[string, string]> = []
  for (const [, attrs] of html.matchAll(/<[a-z][a-z0-9]*((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/gi)) {
    for (const [, name, value] of attrs!.matchAll(/\s([a-z-]+)(?:="([^"]*)")?/gi)) found.push([name!.toLowerCase(), value ?? ''])
  }

  return found
}

describe('reports: HTML', () => {
  it('puts the verdict, the counts, and when, where and how it ran at the top', () => {
    const report = fleet()
    const html = renderHtmlReport(report, CONTEXT)
    const top = html.slice(0, html.indexOf('<section class="causes"'))
    expect(top).to.include('<header class="verdict fail">').and.include('<h1>FAILING</h1>')
    // 5 never pushed + 2 unreachable + 1 stale; 2 drifted only: warning.
    expect(textOf(between(top, '<p class="why">', '</p>'))).to.equal('8 of 20 sites failing; 2 sites with warnings.')
    const cards = textOf(between(top, '<section class="cards"', '</section>')).replaceAll(/\s+/g, ' ')
    expect(cards).to.include('20total').and.include('8failing').and.include('2warning').and.include('10passing')
    const s = report.summary
    expect(cards).to.include(`${s.pass}passed`).and.include(`${s.warn}warned`).and.include(`${s.fail}failed`).and.include(`${s.skip}skipped`)
    const meta = textOf(between(top, '<dl class="meta">', '</dl>'))
    expect(meta).to.include('Generated2026-01-02 03:04:05 UTC').and.include('APIhttps://api.igny8.com/api/v1').and.include('Profiledefault')
    expect(meta).to.include('Duration48.21 s').and.include('igny81.2.3').and.include('Modedefault (warnings pass)')
    expect(top).to.include('<time datetime="2026-01-02T03:04:05.678Z">')
    expect(html).to.include('<title>igny8 integration check: FAILING · 20 sites · profile default</title>')
  })

  it('names the shard and --strict, and says OK when every site passes', () => {
    const html = renderHtmlReport(fleetFixture({sites: 3, shard: {index: 2, count: 4, fleetSites: 12}}), {...CONTEXT, strict: true, apiUrl: undefined})
    expect(html).to.include('<h1>OK</h1>').and.include('<header class="verdict pass">')
    expect(textOf(between(html, '<p class="why">', '</p>'))).to.equal('All 3 sites pass every required check.')
    const meta = textOf(between(html, '<dl class="meta">', '</dl>'))
    expect(meta).to.include('Shard2 of 4 (12 sites in the fleet)').and.include('--strict (warnings fail)').and.include('APInot recorded')
    expect(html).to.include('3 sites (shard 2/4 of 12 sites) · profile default')
    expect(html).to.include('No check failed or warned on any site.')
  })

  it('groups the failing and warning checks by check id, the largest group first', () => {
    const report = fleet()
    expect(causeGroups(report).map((g) => [g.check, g.sites, g.fail, g.warn])).to.deep.equal([
      ['structure.stored', 5, 5, 0],
      // Same size: failures first. Drift warned on sites 1 and 2 only: site 3 was unreachable, so drift skipped there.
      ['wordpress.reachable', 2, 2, 0],
      ['structure.drift', 2, 0, 2],
      ['structure.fresh', 1, 1, 0],
    ])
    const html = renderHtmlReport(report, CONTEXT)
    const causes = between(html, '<section class="causes">', '</section>')
    const order = [...causes.matchAll(/<code>([^<]+)<\/code><span class="count">×(\d+)<\/span>/g)].map((m) => `${m[1]} ×${m[2]}`)
    expect(order).to.deep.equal(['structure.stored ×5', 'wordpress.reachable ×2', 'structure.drift ×2', 'structure.fresh ×1'])
    // Each names what the check is and the fix (the hint), and links to the sites.
    expect(causes).to.include('The backend holds a site structure').and.include('5 failed').and.include('2 warned')
    expect(causes).to.include(HINTS.stored)
    expect(causes).to.include('<a class="cause" href="#sites" data-cause="structure.stored">')
  })

  it('orders groups of the same size failures first, then by id; a shared check that failed comes first', () => {
    const shared = sharedChecks(2)
    shared[2] = check('backend.auth', 'warn', 'the credentials were accepted, but the login sees no site')
    const report: FleetReport = {
      ...fleetFixture({sites: 4, drifted: (i) => i < 2, stale: (i) => i >= 2}),
      checks: shared,
    }
    expect(causeGroups(report).map((g) => `${g.check}${g.shared ? ' (shared)' : ` ×${g.sites}`}`)).to.deep.equal([
      'backend.auth (shared)',
      'structure.fresh ×2',
      'structure.drift ×2',
    ])
    const html = renderHtmlReport(report, CONTEXT)
    expect(between(html, '<section class="causes">', '</section>')).to.include('<span class="count">every site</span>')
    // A shared check with a problem: its section is open.
    expect(html).to.include('<section class="checks shared"><details open>')
  })

  it('lists every site in a table, failing first, each expanding to all its checks', () => {
    const report = fleet()
    const html = renderHtmlReport(report, CONTEXT)
    const rows = siteRows(html)
    expect(rows).to.have.length(20)
    const states = rows.map((row) => row.slice(0, 4))
    expect(states).to.deep.equal([...Array.from({length: 8}, () => 'fail'), 'warn', 'warn', ...Array.from({length: 10}, () => 'pass')])
    // Within a state, by site id.
    expect(rows.slice(0, 8).map((row) => idOfRow(row))).to.deep.equal([3, 4, 9, 15, 16, 17, 18, 19].map((i) => siteIdOf(i)))
    const unreachable = rows.find((row) => idOfRow(row) === siteIdOf(4))!
    const summary = between(unreachable, '<summary>', '</summary>')
    expect(textOf(summary)).to.equal(`${siteIdOf(4)}Shop ${siteIdOf(4)} – Example Store5004failingwordpress.reachable`)
    const site = report.sites[4]!
    const rowsOfChecks = between(unreachable, '<tbody>', '</tbody>').trim().split('\n')
    expect(rowsOfChecks).to.have.length(site.checks.length)
    for (const [i, c] of site.checks.entries()) {
      const row = rowsOfChecks[i]!
      expect(row).to.match(new RegExp(`^<tr class="${c.status}"><td><b>. ${c.status}</b>`))
      expect(row).to.include(`<code>${c.id}</code>`).and.include(c.title).and.include(`${c.durationMs} ms`)
      expect(row).to.include(c.detail.replaceAll('&', '&amp;'))
      if (c.hint) expect(row).to.include(`<p class="h">${c.hint}</p>`)
    }

    // The controls are there for the script, hidden until it runs; the table is sortable by its headers.
    expect(html).to.include('<div class="controls" id="controls" hidden role="search">')
    expect([...html.matchAll(/<button type="button" data-sort="(\d)"/g)].map((m) => m[1])).to.deep.equal(['0', '1', '2', '3', '4'])
    expect(html).to.include('<option value="fail">Failing</option>')
  })

  it('says that no site was checked when a shared check failed', () => {
    const shared = sharedChecks(0)
    shared[1] = check('backend.reachable', 'fail', 'https://api.igny8.com/api/v1 did not answer: ECONNREFUSED', {hint: 'Is the API URL right?'})
    shared[2] = check('backend.auth', 'skip', 'skipped: backend.reachable failed')
    const report: FleetReport = {ok: false, profile: 'ops', checks: shared, sites: [], shard: null, summary: summarize(shared), durationMs: 20}
    const html = renderHtmlReport(report, CONTEXT)
    expect(textOf(between(html, '<p class="why">', '</p>'))).to.equal('backend.reachable failed, so no site was checked.')
    expect(html).to.include('No site was checked: a shared check failed.').and.include('Is the API URL right?')
    expect(html).to.not.include('<details class="site')
  })

  it('renders a single-site report as its checks, with details and hints', () => {
    const report = singleFixture()
    const html = renderHtmlReport(report, CONTEXT)
    expect(html).to.include('<h1>FAILING</h1>').and.include('profile default · integration 5000')
    expect(textOf(between(html, '<p class="why">', '</p>'))).to.equal('Required check failed: structure.fresh.')
    expect(textOf(between(html, '<dl class="meta">', '</dl>'))).to.include('Integration5000').and.include('Duration3.46 s')
    const problems = between(html, '<section class="causes"><h2>Problems</h2>', '</section>')
    expect([...problems.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1])).to.deep.equal(['structure.fresh', 'structure.drift'])
    const table = between(html, '<section class="checks"><h2>Checks</h2>', '</section>')
    expect(table).to.include('<thead><tr><th>Status</th><th>Check</th><th>Detail</th><th>Time</th></tr></thead>')
    expect(table.match(/<tr class="/g)).to.have.length(report.checks.length)
    expect(table).to.include(`<p class="h">${HINTS.fresh}</p>`)
    expect(html).to.not.include('id="list"')
    expect(siteState(report)).to.equal('failing')
  })

  it('escapes everything a server sent: names, details, hints, titles, ids, the profile and the API URL', () => {
    const report = fleet()
    const evil = HOSTILE_NAME
    report.profile = evil
    report.sites[0]!.checks[0] = check('integration.found', 'warn', evil, {title: evil, hint: evil})
    report.sites[0]!.checks[1] = check(evil, 'fail', 'x', {hint: evil})
    report.sites[0]!.ok = false
    const html = renderHtmlReport(report, {...CONTEXT, apiUrl: evil, version: evil})
    expect(html).to.not.include('<script>document').and.not.include('<img').and.not.include('onerror="')
    expect(html).to.include('&lt;script&gt;document.title=&apos;PWNED&apos;')
    expect(html).to.include('&lt;img src=x onerror=&quot;document.title=&apos;PWNED&apos;&quot;&gt; &quot;quoted&quot; \\ back\nslash &amp; co')
    // Our own script is the only one, and its tags are the only script tags.
    expect(html.match(/<script/gi)).to.have.length(1)
    expect(html.match(/<\/script/gi)).to.have.length(1)
    // No inline event handler anywhere, hostile or ours (the script listens once, on the document).
    expect(attributes(html).filter(([name]) => name.startsWith('on'))).to.deep.equal([])
    // Every tag was read: no stray `<` in text (a `<` that is not a tag would be an escaping hole).
    expect(html.replaceAll(/<script>[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>/g, '')).to.not.match(/<(?![a-z/!])/i)
    // An id used as an attribute value (the cause link) is escaped as an attribute.
    expect(html).to.include(`data-cause="&lt;script&gt;document.title=&apos;PWNED&apos;`)
    expect(html).to.include('back&#10;slash')
  })

  it('loads nothing from anywhere: no external src or href, no <link>, no external script, style or font', () => {
    const html = renderHtmlReport(fleet(), CONTEXT)
    expect(html).to.not.match(/\s(src|href|srcset|action|formaction|poster|data)\s*=\s*["']?\s*(https?:)?\/\//i)
    expect(html).to.not.match(/<link\b/i)
    expect(html).to.not.match(/<script[^>]*\ssrc\s*=/i)
    expect(html).to.not.match(/<(img|iframe|object|embed|video|audio|source|base)\b/i)
    expect(html).to.not.match(/@import|url\(/i)
    // The only link targets are in-page; no attribute points anywhere else.
    const all = attributes(html)
    expect(all.length).to.be.above(100)
    expect(all.filter(([name]) => name === 'href').map(([, value]) => value)).to.satisfy((hrefs: string[]) => hrefs.length > 0 && hrefs.every((h) => h.startsWith('#')))
    expect(all.filter(([name]) => ['action', 'background', 'formaction', 'ping', 'poster', 'src', 'srcset'].includes(name))).to.deep.equal([])
  })

  it('allows exactly its own style and script by hash, nothing else', () => {
    const html = renderHtmlReport(fleet(), CONTEXT)
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]
    expect(csp).to.be.a('string')
    const script = between(html, '<script>', '</script>')
    const style = between(html, '<style>', '</style>')
    expect(csp).to.equal(`default-src 'none'; style-src ${sha(style)}; script-src ${sha(script)}; img-src data:; base-uri 'none'; form-action 'none'`)
    expect(html).to.not.match(/\sstyle="/)
    // It runs in place at the end of the body, and registers only document-level listeners.
    expect(script.match(/addEventListener/g)).to.have.length(2)
    expect(script).to.include("d.addEventListener('click', on)").and.include("d.addEventListener('input', on)")
  })

  it('stays linear and small at 1,000 sites', function () {
    this.timeout(20_000)
    const options = {notStored: (i: number) => i % 4 === 0, unreachable: (i: number) => i % 50 === 1, drifted: (i: number) => i % 10 === 2, stale: (i: number) => i % 25 === 3}
    const size = (sites: number) => Buffer.byteLength(renderHtmlReport(fleetFixture({sites, ...options}), CONTEXT))
    const [s100, s1000] = [size(100), size(1000)]
    expect(s1000, `${s1000} bytes for 1,000 sites`).to.be.below(2_500_000)
    // Each site costs the same: 10 times the sites, at most ~10 times the bytes.
    const perSite = (s1000 - s100) / 900
    expect(perSite).to.be.below(2500)
    expect(s1000).to.be.within(s100 * 8, s100 * 10.2)
    const html = renderHtmlReport(fleetFixture({sites: 1000, ...options}), CONTEXT)
    expect(siteRows(html)).to.have.length(1000)
    expect(html).to.include('<span class="count">×250</span>')
  })
})
