#!/usr/bin/env node
/**
 * `npm run bench`: start-up, gather and fleet-check performance of the CLI as users install it, against
 * the targets in TARGETS below. Prints one table and exits 1 when a target is missed; a figure that
 * could not be measured fails its row. The table and its notes are also written between the
 * `<!-- bench:begin -->` and `<!-- bench:end -->` markers of docs/performance.md, so that the document
 * always shows what the current code measured.
 *
 * 1. Packs the working tree (`npm pack`, whose prepack builds dist/ and the oclif manifest) and installs
 *    the tarball with production dependencies into .bench/prefix.
 * 2. Start-up: `igny8 --help` and `igny8 structure gather --help` (oclif renders both from the shipped
 *    manifest), interleaved with `node -e 0` (the floor); target: median ≤ 2.5× the floor's median. On a
 *    Node whose compile cache bin/run.js turns on (module.enableCompileCache(), Node 22.8+), also
 *    `igny8 --help` on a first run: NODE_COMPILE_CACHE pointed at an empty folder every time.
 * 3. Gather: a WordPress-shaped replay server (bench/lib/wp-replay.mjs: recorded answers of the real test
 *    WordPress, 120 post types + 120 taxonomies, 50 ms before every response). Measured side by side:
 *    `structure gather` with the default concurrency and with --concurrency 1; `node -e "http.get(…)"`
 *    (the bare Node floor for a first request); bench/lib/bare-gather.mjs (a bare Node client making the
 *    same requests with the same concurrency and keep-alive). S is the time from spawn to the first
 *    request the replay server sees. Targets: S(gather) ≤ 3.0× S(http.get); (t − S)(gather) ≤ 1.25×
 *    (t − S)(bare client), both having made the same requests; peak RSS ≤ 100 MiB; keep-alive.
 * 4. Fleet: two `igny8 sandbox serve` fleets, 100 and 1,000 sites, whose integrations point at replay
 *    sites (20 ms per response); every other site holds the structure a replay site yields (set through
 *    the sandbox's control hook), the others none; site 3 points at a closed loopback port and site 4 at
 *    a server that accepts and never answers (bench/lib/dead-wordpress.mjs). Measured interleaved:
 *    `integration check --all-sites --site-timeout 5s` and `structure push --all-sites --only missing
 *    --dry-run --site-timeout 5s`, each expected to exit 1 with the report the set-up implies (a run that
 *    does not fails its row, naming why); then one real `structure push --all-sites --only missing` over
 *    the 1,000 sites, after which a dry run must find nothing to push. S = spawn → the first request the
 *    sandbox or the replay server sees, in the same run. Targets: time per site flat, (t − S)(1,000) ≤
 *    1.25 × 10 × (t − S)(100); memory per site, (peak RSS(1,000) − peak RSS(100)) / 900 ≤ 50 KiB.
 * 5. Reference (no target): the same gather against the real test WordPress (scripts/wordpress.sh).
 *
 * Settings (environment): BENCH_RUNS=N (start-up runs, default 20), BENCH_QUICK=1 (fewer runs of
 * everything, to iterate; the fleet keeps its sizes), BENCH_SKIP_WP=1 (no reference run), BENCH_WP_URL=URL
 * (reference against a running WordPress instead of a private lab), BENCH_ONLY=startup,gather,fleet,wordpress,
 * BENCH_REUSE=1 (measure the install the previous run left in .bench/ instead of packing again),
 * BENCH_FLEET_SIZES=a,b (other fleet sizes than 100,1000, to iterate), BENCH_DOC=none (do not write
 * docs/performance.md; or another file with the same markers).
 *
 * The document gets one part per scenario measured (`<!-- bench:part NAME -->`, each with the header of
 * the run that measured it); a run with BENCH_ONLY replaces its own parts and keeps the others.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {closedPortUrl, startSilentServer} from './lib/dead-wordpress.mjs'
import {measureInterleaved, median, runOnce} from './lib/measure.mjs'
import {installed, packAndInstall} from './lib/pack.mjs'
import {startSandboxProcess} from './lib/sandbox.mjs'
import {startWordPress} from './lib/wordpress-lab.mjs'
import {startReplay} from './lib/wp-replay.mjs'

const ROOT = path.resolve(import.meta.dirname, '..')
const WORK = path.join(ROOT, '.bench')
const QUICK = process.env.BENCH_QUICK === '1'
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined
const STARTUP_RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 8 : 20))
const DOC = process.env.BENCH_DOC === 'none' ? undefined : path.resolve(ROOT, process.env.BENCH_DOC || 'docs/performance.md')
const DOC_BEGIN = '<!-- bench:begin -->'
const DOC_END = '<!-- bench:end -->'
const BARE_GATHER = path.join(import.meta.dirname, 'lib', 'bare-gather.mjs')

const GATHER = {types: 120, taxonomies: 120, rttMs: 50}
const FLEET = {sizes: fleetSizes(process.env.BENCH_FLEET_SIZES ?? '100,1000'), rttMs: 20, siteTimeout: '5s'}
/** The longest a fleet run may take before it is killed (a 1,000-site run takes about a minute). */
const FLEET_RUN_TIMEOUT_MS = 900_000
const TARGETS = {
  /** `igny8 --help`, `igny8 structure gather --help`: median ≤ 2.5 × `node -e 0`. */
  helpRatio: 2.5,
  /** `structure gather`, spawn → first request: ≤ 3.0 × `node -e "http.get(…)"` to the same server. */
  gatherStartRatio: 3,
  /** 240-collection gather at 50 ms per answer: (t − S) ≤ 1.25 × the bare client's (t − S). */
  gatherVsBare: 1.25,
  /** Gather peak RSS (MiB), V8's defaults (cleanEnv() passes no NODE_OPTIONS). */
  gatherRssMiB: 100,
  /** Fleet: time per site flat, (t − S) of 1,000 sites ≤ 1.25 × 10 × (t − S) of 100 sites. */
  fleetPerSite: 1.25,
  /** Fleet: memory per site, (peak RSS of 1,000 sites − peak RSS of 100) / 900 ≤ 50 KiB. */
  fleetKiBPerSite: 50,
}

/** BENCH_FLEET_SIZES=a,b: the two fleet sizes, smaller first, at most the sandbox's 1,000 sites. */
function fleetSizes(setting) {
  const sizes = setting.split(',').map(Number)
  if (sizes.length !== 2 || !sizes.every((n) => Number.isInteger(n) && n >= 10 && n <= 1000) || sizes[0] >= sizes[1]) {
    throw new Error(`BENCH_FLEET_SIZES=${setting}: two fleet sizes, the smaller first, each 10 to 1000 (the sandbox's limit)`)
  }

  return sizes
}

/** The parts of the report, in order, and their headings in docs/performance.md; `package` is always measured. */
const PARTS = [
  ['package', 'Package'],
  ['startup', 'Start-up'],
  ['gather', 'Gather'],
  ['fleet', 'Fleet'],
  ['wordpress', 'Reference: the real WordPress'],
]
const rows = []
/** {part, text} */
const notes = []
/** The part being measured: rows and notes are filed under it. */
let part = 'package'
const note = (text) => notes.push({part, text})
const started = performance.now()
const LOAD_AT_START = machineLoad()

/** Load average and, where the kernel has it, CPU pressure: ratios to `node -e 0` move with both. */
function machineLoad() {
  let pressure = ''
  try {
    const some = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))
    if (some) pressure = `, CPU pressure ${some[1]}% (10 s) ${some[2]}% (60 s)`
  } catch {}

  return `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}${pressure}`
}

/** The commit measured, and whether the working tree (what is packed) differs from it. */
function revision() {
  try {
    const git = (...args) => execFileSync('git', args, {cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== ''
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}`
  } catch {
    return 'commit unknown'
  }
}

function settings() {
  const set = ['BENCH_QUICK', 'BENCH_RUNS', 'BENCH_ONLY', 'BENCH_REUSE', 'BENCH_SKIP_WP', 'BENCH_WP_URL', 'BENCH_FLEET_SIZES'].filter((name) => process.env[name])
  return set.length > 0 ? set.map((name) => `${name}=${process.env[name]}`).join(' ') : 'full run (default settings)'
}

function log(message) {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}\n`)
}

/**
 * status: pass | FAIL | ref (no target). A row whose stats could not be measured (a median that is not
 * a finite number) fails, reference or not: a figure that is missing is never a pass, nor left blank.
 */
function addRow({scenario, stats, ratio = '', rss, target = '—', status = 'ref'}) {
  const unmeasured = stats !== undefined && !Number.isFinite(stats.median)
  rows.push({
    part,
    scenario,
    median: stats ? ms(stats.median) : '—',
    range: stats ? `${ms(stats.min)}–${ms(stats.max)}` : '—',
    ratio: unmeasured ? 'not measured' : ratio,
    rss: rss === undefined ? (stats?.rssKiB === undefined ? '—' : mib(stats.rssKiB)) : rss,
    target,
    status: unmeasured ? 'FAIL' : status,
  })
}

const ms = (value) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'not measured')
const mib = (kib) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : 'not measured')
const x = (value, digits = 2) => (Number.isFinite(value) ? `${value.toFixed(digits)}×` : 'not measured')
/** pass when `value` was measured (a finite number) and meets `ok`; FAIL otherwise. */
const judge = (value, ok) => (Number.isFinite(value) && ok(value) ? 'pass' : 'FAIL')
const wanted = (name) => !ONLY || ONLY.has(name)

/** median, min and max of values that must all have been measured; NaN throughout when one was not. */
function statsOf(values) {
  if (values.length === 0 || !values.every((value) => Number.isFinite(value))) return {median: Number.NaN, min: Number.NaN, max: Number.NaN}
  return {median: median(values), min: Math.min(...values), max: Math.max(...values)}
}

const temporaryHomes = []
process.on('exit', () => {
  for (const dir of temporaryHomes) fs.rmSync(dir, {recursive: true, force: true})
})

/** A clean user: own HOME (no profile), no inherited IGNY8_* or NODE_* settings. */
function cleanEnv() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-bench-home-'))
  temporaryHomes.push(home)
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: process.env.LANG ?? 'C.UTF-8',
    OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
    IGNY8_CONFIG_DIR: path.join(home, 'config'),
  }
}

function expectExit(code, result, what) {
  if (result.code !== code) throw new Error(`${what} exited ${result.code} (expected ${code}):\n${result.stderr.slice(-2000)}`)
}

/** The check of a start-up run: `--help` exited 0 and printed its usage. */
function help(result) {
  expectExit(0, result, 'help')
  if (!result.stdout.includes('USAGE')) throw new Error(`help printed no USAGE:\n${result.stdout.slice(0, 500)}`)
}

/** S of measured runs: spawn → the first request the server saw. */
const start = (s) => statsOf(s.samples.map((one) => one.extra.firstRequestMs))
/** t − S of measured runs: the rest of each run after its first request. */
const rest = (s) => statsOf(s.samples.map((one) => one.ms - one.extra.firstRequestMs))
/** A Markdown table cell: pipes escaped, on one line. */
const cell = (value) => String(value).replaceAll('|', String.raw`\|`).replaceAll('\n', ' ')
/** The fleet's odd-numbered indexes (sites 2, 4, …) hold a structure; the others none. */
const holds = (index) => index % 2 === 1
/** (t − S) per site of one size's measured runs. */
const perSite = ({size, stats}) => rest(stats).median / size
/** `N passed, M failed` of some rows. */
const counts = (list) => `${list.filter((r) => r.status === 'pass').length} passed, ${list.filter((r) => r.status === 'FAIL').length} failed`

// ---------------------------------------------------------------------------------------------------

log(`packing and installing the CLI (npm pack → npm install -g --prefix ${path.relative(ROOT, WORK)}/prefix)`)
const cli = process.env.BENCH_REUSE === '1' ? installed(WORK) : await packAndInstall(ROOT, WORK)
const commandIds = new Set(Object.keys(cli.manifest?.commands ?? {}))
log(`installed igny8 ${cli.version}: ${(cli.tarballBytes / 1024).toFixed(0)} KiB tarball, manifest ${cli.manifest ? `with ${commandIds.size} commands` : 'MISSING'}`)
addRow({
  scenario: 'oclif.manifest.json shipped in the package',
  ratio: cli.manifest ? `${commandIds.size} commands` : 'missing',
  target: 'present',
  status: cli.manifest ? 'pass' : 'FAIL',
})

for (const [name, scenario] of [['startup', startup], ['gather', gather], ['fleet', fleet], ['wordpress', realWordPress]]) {
  if (!wanted(name) || (name === 'wordpress' && process.env.BENCH_SKIP_WP === '1')) continue
  part = name
  try {
    // eslint-disable-next-line no-await-in-loop -- one scenario at a time: each measures wall times, which another running beside it would skew
    await scenario()
  } catch (error) {
    // A scenario that cannot run is a missed target, reported with the reason; the others still run.
    addRow({scenario: `${name}: could not run`, ratio: String(error.message).split('\n')[0].slice(0, 80), status: name === 'wordpress' ? 'ref' : 'FAIL'})
    note(`${name} failed: ${String(error.stack ?? error).slice(0, 1500)}`)
    log(`${name} failed: ${error.message}`)
  }
}

const report = renderReport()
console.log(`\n${report.text}`)
writeDoc(report.parts)
const failed = rows.filter((row) => row.status === 'FAIL')
process.exitCode = failed.length > 0 || process.exitCode ? 1 : 0

// ---------------------------------------------------------------------------------------------------

async function startup() {
  const env = cleanEnv()
  // Node's compile cache as bin/run.js turns it on: module.enableCompileCache() (Node 22.8+; 22.1+ with NODE_COMPILE_CACHE).
  const probe = await runOnce(['node', '-p', "process.version + ' ' + typeof require('node:module').enableCompileCache"], {env})
  const [nodeVersion, kind] = probe.stdout.trim().split(' ')
  const compileCache = kind === 'function'
  log(`start-up: ${STARTUP_RUNS} interleaved runs of each command after 3 warm-ups (node ${nodeVersion}, compile cache ${compileCache ? 'on' : 'not available'})`)
  const cases = [
    {name: 'floor', argv: ['node', '-e', '0'], options: {env}},
    {name: '--help', argv: [cli.bin, '--help'], options: {env}, check: help},
    {name: 'structure gather --help', argv: [cli.bin, 'structure', 'gather', '--help'], options: {env}, check: help},
  ]
  if (compileCache) {
    // A first run after an install or a Node upgrade: Node's compile cache empty.
    const cold = {...env}
    cases.push({
      name: 'first run',
      argv: [cli.bin, '--help'],
      options: {env: cold},
      check: help,
      before() {
        cold.NODE_COMPILE_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-bench-compile-cache-'))
      },
      after: () => fs.rmSync(cold.NODE_COMPILE_CACHE, {recursive: true, force: true}),
    })
  }

  const summary = await measureInterleaved(cases, {warmup: 3, runs: STARTUP_RUNS})
  const floor = summary.floor.median
  addRow({scenario: 'node -e 0 (the floor)', stats: summary.floor, ratio: x(1), target: 'reference'})
  for (const name of ['--help', 'structure gather --help']) {
    const ratio = summary[name].median / floor
    addRow({scenario: `igny8 ${name}`, stats: summary[name], ratio: x(ratio), target: `≤ ${x(TARGETS.helpRatio, 1)} floor`, status: judge(ratio, (r) => r <= TARGETS.helpRatio)})
  }

  if (compileCache) {
    addRow({scenario: 'igny8 --help, first run (NODE_COMPILE_CACHE empty)', stats: summary['first run'], ratio: x(summary['first run'].median / floor), target: 'reference'})
    note('Start-up: Node\'s compile cache is on (bin/run.js: module.enableCompileCache()); the rows above run with it warm (its default folder), the first-run row with NODE_COMPILE_CACHE pointed at an empty folder every time.')
  } else {
    note(`Start-up: node ${nodeVersion} has no compile cache (module.enableCompileCache() arrived in Node 22.8): every run compiles all the code it loads, so the rows above are first runs and there is no first-run row.`)
  }
}

async function gather() {
  const {types, taxonomies, rttMs} = GATHER
  const replay = await startReplay({types, taxonomies, delayMs: rttMs})
  try {
    await gatherScenario(replay)
  } finally {
    await replay.close()
  }
}

async function gatherScenario(replay) {
  const {types, taxonomies, rttMs} = GATHER
  const env = cleanEnv()
  const concurrency = Number(cli.manifest?.commands['structure:gather']?.flags?.concurrency?.default ?? 8)
  const collections = types + taxonomies
  // home page, REST index, types, taxonomies, one count per collection
  const requests = 2 + 2 + collections
  // discovery (home page, REST index) + types and taxonomies side by side + the count rounds
  const rounds = 2 + 1 + Math.ceil(collections / concurrency)
  const url = replay.siteUrl(0)
  log(`gather: ${collections} collections, ${rttMs} ms per response, concurrency ${concurrency} and 1, the bare Node client and http.get side by side`)

  // What the server saw of one run: S = spawn → the first request it saw (NaN when it saw none).
  const served = (result) => ({
    requests: replay.stats.requests,
    connections: replay.stats.connections,
    firstRequestMs: replay.stats.firstAt === undefined ? Number.NaN : replay.stats.firstAt - result.startedAt,
    log: [...replay.stats.log].sort(),
  })
  const madeAll = (what) => (result, extra) => {
    if (extra.requests !== requests) throw new Error(`${what} made ${extra.requests} requests, expected ${requests}`)
  }

  const gatherCase = (name, extraArgs, runs) => ({
    name,
    argv: [cli.bin, 'structure', 'gather', '--wp-url', url, '--json', ...extraArgs],
    options: {env},
    runs,
    warmup: name === 'c1' ? 0 : 1,
    before: () => replay.reset(),
    after: served,
    check(result, extra) {
      expectExit(0, result, `structure gather ${extraArgs.join(' ')}`)
      const payload = JSON.parse(result.stdout)
      const found = Object.keys(payload.post_types).length + Object.keys(payload.taxonomies).length
      if (found !== collections) throw new Error(`gather found ${found} collections, expected ${collections}`)
      madeAll('structure gather')(result, extra)
    },
  })
  const summary = await measureInterleaved(
    [
      {
        name: 'get',
        argv: ['node', '-e', `http.get(${JSON.stringify(url)}, (r) => r.resume())`],
        options: {env},
        runs: QUICK ? 2 : 5,
        before: () => replay.reset(),
        after: served,
        check: (result) => expectExit(0, result, 'node -e "http.get(…)"'),
      },
      {
        name: 'bare',
        argv: ['node', BARE_GATHER, url, String(concurrency)],
        options: {env},
        runs: QUICK ? 2 : 5,
        before: () => replay.reset(),
        after: served,
        check(result, extra) {
          expectExit(0, result, 'the bare Node client')
          const {collections: found} = JSON.parse(result.stdout)
          if (found !== collections) throw new Error(`the bare Node client counted ${found} collections, expected ${collections}`)
          madeAll('the bare Node client')(result, extra)
        },
      },
      gatherCase('c8', [], QUICK ? 2 : 5),
      gatherCase('c1', ['--concurrency', '1'], QUICK ? 1 : 3),
    ],
    {warmup: 1, runs: 5, onProgress: (round, total) => log(`  gather round ${round}/${total}`)},
  )

  const {get, bare, c8, c1} = summary
  const most = (s, key) => Math.max(...s.samples.map((one) => one.extra[key]))
  const startGet = start(get)
  const startGather = start(c8)
  const restBare = rest(bare)
  const restGather = rest(c8)
  const startRatio = startGather.median / startGet.median
  const restRatio = restGather.median / restBare.median

  // The comparison only holds if both made the same requests (method, path, query; in any order).
  const reference = c8.samples[0]?.extra.log ?? []
  const differing = [...bare.samples, ...c8.samples, ...c1.samples].filter((one) => one.extra.log.join('\n') !== reference.join('\n'))
  if (differing.length > 0) {
    const other = differing[0].extra.log
    const onlyIn = (a, b) => a.filter((line) => !b.includes(line)).slice(0, 5)
    note(`Gather: the clients did not make the same requests: only the gather: ${onlyIn(reference, other).join(', ') || '—'}; only the other: ${onlyIn(other, reference).join(', ') || '—'}.`)
  }

  addRow({scenario: 'node -e "http.get(…)": spawn → first request (bare Node)', stats: startGet, target: 'reference'})
  addRow({
    scenario: 'structure gather: start-up S (spawn → first request)',
    stats: startGather,
    ratio: `${x(startRatio)} http.get`,
    target: `≤ ${x(TARGETS.gatherStartRatio, 1)} http.get`,
    status: judge(startRatio, (r) => r <= TARGETS.gatherStartRatio),
  })
  addRow({
    scenario: `bare Node client: same ${requests} requests, concurrency ${concurrency}, keep-alive`,
    stats: bare,
    ratio: `t − S ${ms(restBare.median)}`,
    target: 'reference',
  })
  addRow({
    scenario: `structure gather, ${collections} collections, ${rttMs} ms per answer, concurrency ${concurrency}`,
    stats: c8,
    ratio: differing.length > 0 ? 'requests differ' : `t − S ${ms(restGather.median)}: ${x(restRatio)} bare`,
    target: `t − S ≤ ${x(TARGETS.gatherVsBare)} bare client`,
    status: differing.length > 0 ? 'FAIL' : judge(restRatio, (r) => r <= TARGETS.gatherVsBare),
  })
  const speedup = c1.median / c8.median
  addRow({scenario: 'structure gather --concurrency 1 (same site)', stats: c1, ratio: `${x(speedup, 1)} slower`, target: 'reference'})
  // Both gathers must have a figure: one missing (no GNU time) is not measured, not "the other one".
  const rss = c8.rssKiB === undefined || c1.rssKiB === undefined ? Number.NaN : Math.max(c8.rssKiB, c1.rssKiB)
  const rssLimitKiB = TARGETS.gatherRssMiB * 1024
  addRow({scenario: 'structure gather peak RSS (both), V8 defaults', rss: mib(rss), target: `≤ ${TARGETS.gatherRssMiB} MiB`, status: judge(rss, (r) => r <= rssLimitKiB)})
  const c8Connections = most(c8, 'connections')
  const c1Connections = most(c1, 'connections')
  addRow({scenario: `keep-alive: connections per gather (concurrency ${concurrency})`, ratio: `${c8Connections} for ${requests} requests`, target: `≤ ${concurrency}`, status: judge(c8Connections, (n) => n <= concurrency)})
  addRow({scenario: 'keep-alive: connections per gather (concurrency 1)', ratio: `${c1Connections} for ${requests} requests`, target: '1', status: judge(c1Connections, (n) => n === 1)})
  note(
    `Gather: S = spawn → the first request the replay server saw, t − S = the rest of the run (its requests, then exit), medians of the same interleaved runs. ` +
      `The bare client (bench/lib/bare-gather.mjs: node:http, JSON.parse, nothing else) made ${differing.length > 0 ? 'OTHER requests than' : 'the same requests as'} the gather, over at most ${most(bare, 'connections')} connections; ` +
      `its t − S is what ${requests} requests in ${rounds} round trips (home page, REST index, types ‖ taxonomies, ⌈${collections}/${concurrency}⌉ count rounds; ${rounds * rttMs} ms of waiting) take on this machine.`,
  )
  const c1Start = median(c1.samples.map((one) => one.extra.firstRequestMs))
  note(`Gather: with S taken out of both, --concurrency 1 is ${x((c1.median - c1Start) / restGather.median, 1)} slower than concurrency ${concurrency}; the per-run maximum of connections is shown.`)
}

async function fleet() {
  const [small, large] = FLEET.sizes
  const checkCommand = cli.manifest?.commands['integration:check']
  const pushCommand = cli.manifest?.commands['structure:push']
  if (!checkCommand?.flags?.['all-sites'] || !checkCommand.flags['site-timeout']) {
    addRow({scenario: `integration check --all-sites --site-timeout (${small} and ${large} sites)`, ratio: 'not available', target: 'time and memory per site flat', status: 'FAIL'})
    note('integration check --all-sites --site-timeout is not in the installed manifest: the fleet was not measured.')
    log('fleet: `integration check --all-sites --site-timeout` is not available in this build')
    return
  }

  const canPush = ['all-sites', 'only', 'dry-run', 'site-timeout'].every((flag) => pushCommand?.flags?.[flag])
  const {rttMs, siteTimeout} = FLEET
  const concurrency = Number(checkCommand.flags.concurrency?.default ?? defaultFromDescription(checkCommand.flags.concurrency?.description) ?? 4)
  const replay = await startReplay({delayMs: rttMs})
  const silent = await startSilentServer()
  const refused = await closedPortUrl()
  const sandboxes = []
  try {
    // The structure half of the sites hold: what a replay site yields, as the CLI itself gathers it.
    const gathered = await runOnce([cli.bin, 'structure', 'gather', '--json', '--wp-url', replay.siteUrl(1)], {env: cleanEnv()})
    expectExit(0, gathered, 'structure gather of a replay site')
    const {post_types: postTypes, taxonomies} = JSON.parse(gathered.stdout)
    const structure = {post_types: postTypes, taxonomies}
    const dead = [
      {index: 2, url: refused, kind: 'closed loopback port'},
      {index: 3, url: silent.url, kind: 'accepts, never answers'},
    ]
    log(
      `fleet: ${small} and ${large} sandbox sites (WordPress replay, ${rttMs} ms per response; every other site holds a structure; 2 dead WordPress URLs), ` +
        `integration check --all-sites${canPush ? ' and structure push --all-sites --only missing --dry-run' : ''}, concurrency ${concurrency}, --site-timeout ${siteTimeout}`,
    )
    const fleets = {}
    for (const size of FLEET.sizes) {
      // eslint-disable-next-line no-await-in-loop -- sandbox processes start one at a time: each fleet is set up and connected before the next starts
      fleets[size] = await setUpFleet(size, {replay, dead, structure, sandboxes})
    }

    // More runs of the small fleet: cheap, and its peak RSS is what varies most from run to run.
    const runs = (size) => (QUICK ? 1 : size === small ? 5 : 3)
    const command = {
      check: ['integration', 'check', '--all-sites', '--json', '--site-timeout', siteTimeout],
      push: ['structure', 'push', '--all-sites', '--only', 'missing', '--dry-run', '--json', '--site-timeout', siteTimeout],
    }
    const cases = [
      // One warm-up (disk cache) is enough for all: the larger runs take longest.
      ...FLEET.sizes.map((size) => fleetCase(`check ${size}`, fleets[size], command.check, {runs: runs(size), warmup: size === small && !QUICK ? 1 : 0, validate: (result) => checkOutcome(result, fleets[size])})),
      ...(canPush
        ? FLEET.sizes.map((size) => {
            const one = fleets[size]
            const expected = {'would-push': one.expected.missing, skipped: one.expected.held, failed: one.dead.length, pushed: 0}
            return fleetCase(`push ${size}`, one, command.push, {runs: runs(size), warmup: 0, validate: (result) => pushOutcome(result, one, expected)})
          })
        : []),
    ]
    const summary = await measureInterleaved(cases, {warmup: 0, runs: 1, onProgress: (round, total) => log(`  fleet round ${round}/${total}`)})
    const entries = (prefix) => FLEET.sizes.map((size) => ({size, stats: summary[`${prefix} ${size}`], outcomes: cases.find((c) => c.name === `${prefix} ${size}`).outcomes}))
    const checks = entries('check')
    addRow({scenario: 'integration check --all-sites: start-up S (spawn → first request)', stats: statsOf(checks.flatMap(({stats}) => firstRequests(stats))), target: 'reference'})
    fleetRows('integration check --all-sites', checks, {timeTarget: true, memoryTarget: true})
    fleetNotes('Check', checks)
    if (canPush) {
      const pushes = entries('push')
      fleetRows('structure push --all-sites --only missing --dry-run', pushes, {})
      fleetNotes('Push dry-run', pushes)
      await realPush(fleets[large])
    } else {
      addRow({scenario: 'structure push --all-sites --only missing --dry-run', ratio: 'not available', target: 'exit 1, counts as set up', status: 'FAIL'})
      note('structure push --all-sites (with --only, --dry-run, --site-timeout) is not in the installed manifest: the fleet push was not measured.')
    }

    note(fleetAbout({dead, concurrency, runs}))
  } finally {
    await Promise.all(sandboxes.map((sandbox) => sandbox.stop()))
    await Promise.all([replay.close(), silent.close()])
  }

  /** One fleet: a sandbox of `size` sites, a profile connected to it, half the integrations holding `structure`. */
  async function setUpFleet(size, {replay, dead, structure, sandboxes}) {
    const deadAt = new Map(dead.map((one) => [one.index, one]))
    const wpUrls = Array.from({length: size}, (_, i) => deadAt.get(i)?.url ?? replay.siteUrl(i + 1))
    const env = cleanEnv()
    const sandbox = await startSandboxProcess(cli.bin, {sites: size, wpUrls, env})
    sandboxes.push(sandbox)
    if (sandbox.sites.length !== size) throw new Error(`the sandbox seeded ${sandbox.sites.length} sites, expected ${size}`)
    const connect = await runOnce([cli.bin, 'connect', '--api-url', sandbox.apiUrl, '--email', sandbox.email, '--password-stdin', '--site', String(sandbox.sites[0].id), '--json'], {env, input: sandbox.password})
    expectExit(0, connect, `connect to the ${size}-site sandbox`)
    const now = new Date().toISOString()
    for (const [i, site] of sandbox.sites.entries()) {
      if (!holds(i)) continue
      // eslint-disable-next-line no-await-in-loop -- set-up, not measured: one small request at a time to the sandbox
      await sandbox.patchIntegration(site.integrationId, {content_types: structure, last_structure_fetch: now})
    }

    const alive = sandbox.sites.map((_, i) => i).filter((i) => !deadAt.has(i))
    return {
      size,
      env,
      sandbox,
      dead: dead.map((one) => ({...one, siteId: sandbox.sites[one.index].id})),
      // Sites that pass every check: alive and holding a structure; --only missing pushes the alive others.
      expected: {held: alive.filter((i) => holds(i)).length, missing: alive.filter((i) => !holds(i)).length},
    }
  }

  /** A measured fleet command: the sandbox's log and the replay's counters cleared before, S read after. */
  function fleetCase(name, one, args, {runs, warmup, validate}) {
    return {
      name,
      argv: [cli.bin, ...args],
      // To a file: through a pipe, a report over the pipe's buffer is cut short when the command exits 1.
      options: {env: one.env, timeoutMs: FLEET_RUN_TIMEOUT_MS, stdoutToFile: true},
      runs,
      warmup,
      outcomes: [],
      async before() {
        replay.reset()
        silent.reset()
        await one.sandbox.clearRequests()
      },
      after: (result) => served(result, one),
      // A run whose exit code or report is not the expected one is kept, with its problem: its row fails, naming it.
      check(result, extra) {
        const outcome = validate(result)
        extra.problem = outcome.problem
        this.outcomes.push(outcome)
      },
    }
  }

  /** What the servers saw of one run: S = spawn → the first request the sandbox or the replay saw. */
  async function served(result, one) {
    const apiFirst = await one.sandbox.firstRequestAt()
    const firsts = [apiFirst, replay.stats.firstAt].filter((value) => value !== undefined)
    return {
      // NaN (not measured) when the sandbox's log no longer held the first request of the run.
      firstRequestMs: firsts.length === 0 ? Number.NaN : Math.min(...firsts) - result.startedAt,
      apiRequests: await one.sandbox.requestCount(),
      requests: replay.stats.requests,
      connections: replay.stats.connections,
      silent: {...silent.stats},
    }
  }

  async function realPush(one) {
    const expectPushed = {pushed: one.expected.missing, skipped: one.expected.held, failed: one.dead.length, 'would-push': 0}
    const pushed = fleetCase(`push real ${one.size}`, one, ['structure', 'push', '--all-sites', '--only', 'missing', '--json', '--site-timeout', siteTimeout], {runs: 1, warmup: 0, validate: (result) => pushOutcome(result, one, expectPushed)})
    const again = fleetCase(`push after ${one.size}`, one, ['structure', 'push', '--all-sites', '--only', 'missing', '--dry-run', '--json', '--site-timeout', siteTimeout], {
      runs: 1,
      warmup: 0,
      validate: (result) => pushOutcome(result, one, {'would-push': 0, skipped: one.expected.held + one.expected.missing, failed: one.dead.length, pushed: 0}),
    })
    log(`fleet: one real structure push --all-sites --only missing over ${one.size} sites, then the dry run again`)
    const real = await measureInterleaved([pushed], {warmup: 0, runs: 1})
    const after = await measureInterleaved([again], {warmup: 0, runs: 1})
    const realEntries = [{size: one.size, stats: real[pushed.name], outcomes: pushed.outcomes}]
    fleetRows('structure push --all-sites --only missing (real push, once)', realEntries, {})
    fleetNotes('Real push', realEntries)
    const tally = again.outcomes[0]?.counts
    const wouldPush = tally?.['would-push'] ?? Number.NaN
    addRow({
      scenario: `structure push --all-sites --only missing --dry-run after the real push, ${one.size} sites`,
      stats: after[again.name],
      ratio: again.outcomes[0]?.problem ?? (tally ? `${wouldPush} would-push` : 'not measured'),
      target: '0 would-push, exit 1',
      status: again.outcomes[0]?.problem ? 'FAIL' : judge(wouldPush, (n) => n === 0),
    })
    fleetNotes('Dry-run after the real push', [{size: one.size, stats: after[again.name], outcomes: again.outcomes}])
  }
}

/** Rows of one command at each size: wall, per-site time, peak RSS; the targets on the larger size. */
function fleetRows(what, entries, {timeTarget = false, memoryTarget = false}) {
  const [first] = entries
  for (const entry of entries) {
    const {size, stats, outcomes} = entry
    const problem = outcomes.find((outcome) => outcome.problem)?.problem
    const growth = perSite(entry) / perSite(first)
    const judged = timeTarget && entry !== first
    const marginal = (rest(stats).median - rest(first.stats).median) / (size - first.size)
    let ratio = Number.isFinite(perSite(entry)) ? `${perSite(entry).toFixed(1)} ms/site${entry === first ? '' : `: ${x(growth)} ${first.size} sites; marginal ${marginal.toFixed(1)} ms/site`}` : 'not measured'
    let status = judged ? judge(growth, (g) => g <= TARGETS.fleetPerSite) : Number.isFinite(perSite(entry)) ? 'ref' : 'FAIL'
    if (problem) {
      ratio = problem
      status = 'FAIL'
    }

    addRow({scenario: `${what}, ${size} sites`, stats, ratio, target: judged ? `t − S ≤ ${TARGETS.fleetPerSite} × ${size / first.size} × ${first.size} sites` : 'reference', status})
  }

  if (entries.length < 2) return
  // The medians of the runs' own peaks: the largest peak of a few runs of the small fleet varies by tens
  // of MiB (V8 grows its heap at different moments), and the difference of two maxima would follow it.
  const last = entries.at(-1)
  const peaks = ({stats}) => statsOf(stats.samples.map((s) => s.rssKiB ?? Number.NaN))
  const perSiteKiB = (peaks(last).median - peaks(first).median) / (last.size - first.size)
  const ofMaxima = ((last.stats.rssKiB ?? Number.NaN) - (first.stats.rssKiB ?? Number.NaN)) / (last.size - first.size)
  addRow({
    scenario: `${what}: memory per site, (peak RSS ${last.size} − ${first.size}) / ${last.size - first.size}`,
    ratio: Number.isFinite(perSiteKiB) ? `${perSiteKiB.toFixed(1)} KiB/site (of the largest peaks: ${ofMaxima.toFixed(1)})` : 'not measured',
    rss: `median ${mib(peaks(last).median)} / ${mib(peaks(first).median)}`,
    target: memoryTarget ? `≤ ${TARGETS.fleetKiBPerSite} KiB/site` : 'reference',
    status: memoryTarget ? judge(perSiteKiB, (kib) => kib <= TARGETS.fleetKiBPerSite) : Number.isFinite(perSiteKiB) ? 'ref' : 'FAIL',
  })
}

/** Per size: S, requests, outcome counts, how the dead sites failed, and any problem of a run. */
function fleetNotes(what, entries) {
  for (const {size, stats, outcomes} of entries) {
    const most = (key) => Math.max(...stats.samples.map((s) => s.extra[key]))
    const problems = [...new Set(outcomes.map((outcome) => outcome.problem).filter(Boolean))]
    const last = outcomes.at(-1)
    note(
      `${what}, ${size} sites: S ${ms(statsOf(firstRequests(stats)).median)}; peak RSS of the ${stats.samples.length} runs ${stats.samples.map((s) => mib(s.rssKiB)).join(', ')}; up to ${most('apiRequests')} API and ${most('requests')} WordPress requests (over ${most('connections')} connections) per run; ` +
        `${last?.summary ?? 'no report'}${last?.deadSites ? `; dead sites: ${last.deadSites}` : ''}${problems.length > 0 ? `; PROBLEM: ${problems.join('; ')}` : ''}.`,
    )
  }
}

/** The note that says how the fleet was set up and measured. */
function fleetAbout({dead, concurrency, runs}) {
  const [small, large] = FLEET.sizes
  const {rttMs, siteTimeout} = FLEET
  return (
    `Fleet: ${small} and ${large} sandbox sites (\`igny8 sandbox serve --sites N --control\`) whose integrations point at replay sites (${rttMs} ms per response); ` +
    `every other site holds the structure a replay site yields (set through the sandbox's control hook, last_structure_fetch = now), the others none; ` +
    `site ${dead.map((one) => `${one.index + 1} → ${one.kind}`).join(', site ')}; --site-timeout ${siteTimeout}, concurrency ${concurrency}. ` +
    `S = spawn → the first request the sandbox (its request log) or the WordPress replay saw, in each measured run; per site = (t − S) / sites; ` +
    `marginal = ((t − S)(${large}) − (t − S)(${small})) / ${large - small}, the cost of one more site without what every run pays once — such as the site that never answers, ` +
    `which holds one of the ${concurrency} workers for ${siteTimeout} and weighs on ${small} sites far more than on ${large}. ` +
    `Targets: time flat, (t − S)(${large}) ≤ ${TARGETS.fleetPerSite} × ${large / small} × (t − S)(${small}); memory per site, (peak RSS(${large}) − peak RSS(${small})) / ${large - small} ≤ ${TARGETS.fleetKiBPerSite} KiB. ` +
    `Runs: ${QUICK ? `BENCH_QUICK=1, one run of each command and size, no warm-up; the sizes are not made smaller` : `${runs(small)} of each command at ${small} sites, ${runs(large)} at ${large}, interleaved, after one warm-up at ${small} sites`}` +
    `${process.env.BENCH_FLEET_SIZES ? ` (BENCH_FLEET_SIZES=${process.env.BENCH_FLEET_SIZES} replaced the sizes 100 and 1000)` : ''}; ` +
    `a size's peak RSS is the largest of its runs; memory per site takes the medians of the runs' peaks (the figure from the largest peaks follows in brackets).`
  )
}

/** S of each measured run of a case. */
function firstRequests(stats) {
  return stats.samples.map((s) => s.extra.firstRequestMs)
}

/** The report of `integration check --all-sites --json` against what the fleet was set up to give. */
function checkOutcome(result, one) {
  const outcome = {}
  let report
  try {
    report = JSON.parse(result.stdout)
  } catch {
    return {problem: `exit ${result.code}, no JSON report: ${result.stderr.trim().split('\n').at(-1)?.slice(0, 200) ?? ''}`}
  }

  const sites = Array.isArray(report.sites) ? report.sites : []
  const failing = {}
  for (const site of sites) for (const c of site.checks ?? []) if (c.status === 'fail') failing[c.id] = (failing[c.id] ?? 0) + 1
  const passed = sites.filter((site) => site.ok).length
  const s = report.summary ?? {}
  outcome.summary = `exit ${result.code}; ${sites.length} sites, ${passed} passed every check; checks pass ${s.pass}, warn ${s.warn}, fail ${s.fail}, skip ${s.skip} (failing: ${
    Object.entries(failing)
      .map(([id, n]) => `${id} ×${n}`)
      .join(', ') || 'none'
  })`
  outcome.deadSites = one.dead
    .map((dead) => {
      const site = sites.find((one) => one.siteId === dead.siteId)
      const failed = (site?.checks ?? []).filter((c) => c.status === 'fail').map((c) => `${c.id} (${String(c.detail ?? '').slice(0, 160)})`)
      return `site ${dead.siteId}, ${dead.kind}: ${site ? (failed.length > 0 ? `failed ${failed.join(', ')}` : 'NO check failed') : 'not in the report'}`
    })
    .join('; ')
  const deadOk = one.dead.some((dead) => sites.find((site) => site.siteId === dead.siteId)?.ok !== false)
  if (result.code !== 1) outcome.problem = `exit ${result.code}, expected 1`
  else if (sites.length !== one.size) outcome.problem = `${sites.length} sites reported, expected ${one.size}`
  else if (passed !== one.expected.held) outcome.problem = `${passed} sites passed, expected ${one.expected.held}`
  else if (deadOk) outcome.problem = 'a dead site passed'
  return outcome
}

/** The report of `structure push --all-sites --json` against the counts expected. */
function pushOutcome(result, one, expected) {
  let report
  try {
    report = JSON.parse(result.stdout)
  } catch {
    return {problem: `exit ${result.code}, no JSON report: ${result.stderr.trim().split('\n').at(-1)?.slice(0, 200) ?? ''}`}
  }

  const sites = Array.isArray(report.sites) ? report.sites : []
  const counts = report.summary ?? {}
  const outcome = {counts}
  outcome.summary = `exit ${result.code}; ${sites.length} sites: ${['pushed', 'would-push', 'skipped', 'failed'].map((action) => `${action} ${counts[action]}`).join(', ')}`
  outcome.deadSites = one.dead
    .map((dead) => {
      const site = sites.find((one) => one.siteId === dead.siteId)
      return `site ${dead.siteId}, ${dead.kind}: ${site ? `${site.action} (${String(site.reason).slice(0, 160)})` : 'not in the report'}`
    })
    .join('; ')
  const wrong = Object.entries(expected).filter(([action, n]) => counts[action] !== n)
  if (result.code !== 1) outcome.problem = `exit ${result.code}, expected 1`
  else if (sites.length !== one.size) outcome.problem = `${sites.length} sites reported, expected ${one.size}`
  else if (wrong.length > 0) outcome.problem = wrong.map(([action, n]) => `${action} ${counts[action]}, expected ${n}`).join(', ')
  return outcome
}

function defaultFromDescription(description) {
  const match = /default (\d+)/.exec(description ?? '')
  return match ? Number(match[1]) : undefined
}

async function realWordPress() {
  log('reference: bringing up the real test WordPress (scripts/wordpress.sh, a private lab)')
  let lab
  try {
    lab = await startWordPress(path.join(ROOT, 'scripts', 'wordpress.sh'), path.join(os.tmpdir(), `igny8-bench-wp-${process.pid}`))
  } catch (error) {
    addRow({scenario: 'reference: real WordPress', ratio: 'not available', target: '—', status: 'ref'})
    note(`Real WordPress not available: ${String(error.message).split('\n')[0]}`)
    return
  }

  try {
    const env = cleanEnv()
    const check = (result) => expectExit(0, result, 'structure gather against the real WordPress')
    const summary = await measureInterleaved(
      [
        {name: 'c8', argv: [cli.bin, 'structure', 'gather', '--wp-url', lab.url, '--json'], options: {env}, check},
        {name: 'c1', argv: [cli.bin, 'structure', 'gather', '--wp-url', lab.url, '--json', '--concurrency', '1'], options: {env}, check},
      ],
      {warmup: 1, runs: QUICK ? 2 : 5},
    )
    addRow({scenario: `reference: real WordPress ${lab.version ?? ''} (php -S), gather`.replace('  ', ' '), stats: summary.c8, target: '—'})
    addRow({scenario: 'reference: real WordPress, gather --concurrency 1', stats: summary.c1, ratio: `${x(summary.c1.median / summary.c8.median, 1)} slower`, target: '—'})
    note('Real WordPress: php -S answers every request with Connection: close, so no connection is reused there.')
  } finally {
    await lab.stop()
  }
}

/** The table and notes: aligned text for the terminal; Markdown for docs/performance.md, one part per scenario run. */
function renderReport() {
  const header = {scenario: 'scenario', median: 'median', range: 'min–max', ratio: 'ratio', rss: 'peak RSS', target: 'target', status: 'result'}
  const columns = Object.keys(header)
  const right = new Set(['median', 'range', 'rss'])
  const about = [
    `igny8 ${cli.version} · ${revision()} · node ${process.version} · ${os.cpus().length} CPUs · ${new Date().toISOString()}`,
    `settings: ${settings()}`,
    `machine load at start: ${LOAD_AT_START}; at the end: ${machineLoad()}`,
  ]
  const seconds = `${((performance.now() - started) / 1000).toFixed(0)} s`

  const width = Object.fromEntries(columns.map((c) => [c, Math.max(header[c].length, ...rows.map((r) => String(r[c]).length))]))
  const line = (r) => columns.map((c) => (right.has(c) ? String(r[c]).padStart(width[c]) : String(r[c]).padEnd(width[c]))).join('  ').trimEnd()
  const text = [...about, line(header), columns.map((c) => '-'.repeat(width[c])).join('  '), ...rows.map((r) => line(r)), '', ...notes.map((one) => `- ${one.text}`), '', `${counts(rows)} · ${seconds}`].join('\n')

  const parts = {}
  for (const name of PARTS.map(([one]) => one)) {
    const partRows = rows.filter((r) => r.part === name)
    const partNotes = notes.filter((one) => one.part === name)
    if (partRows.length === 0 && partNotes.length === 0) continue
    parts[name] = [
      `### ${PARTS.find(([one]) => one === name)[1]}`,
      '',
      ...about.map((one) => `${one}  `),
      '',
      `| ${columns.map((c) => header[c]).join(' | ')} |`,
      `|${columns.map((c) => (right.has(c) ? '---:' : '---')).join('|')}|`,
      ...partRows.map((r) => `| ${columns.map((c) => cell(r[c] === '' ? ' ' : r[c])).join(' | ')} |`),
      ...(partNotes.length > 0 ? ['', ...partNotes.map((one) => `- ${cell(one.text)}`)] : []),
      '',
      `${counts(partRows)} (the whole run: ${counts(rows)} · ${seconds}).`,
    ].join('\n')
  }

  return {text, parts}
}

/**
 * Writes this run's parts between the two markers of docs/performance.md, each after a
 * `<!-- bench:part NAME -->` line. The parts this run did not measure (BENCH_ONLY, BENCH_SKIP_WP) are kept
 * as the run that measured them wrote them, with that run's header; text from before parts existed is
 * dropped.
 */
function writeDoc(parts) {
  if (!DOC) return
  let doc
  try {
    doc = fs.readFileSync(DOC, 'utf8')
  } catch (error) {
    log(`not written: cannot read ${path.relative(ROOT, DOC)} (${error.code ?? error.message})`)
    process.exitCode = 1
    return
  }

  const begin = doc.indexOf(DOC_BEGIN)
  const end = doc.indexOf(DOC_END)
  if (begin === -1 || end < begin) {
    log(`not written: ${path.relative(ROOT, DOC)} has no ${DOC_BEGIN} … ${DOC_END} markers`)
    process.exitCode = 1
    return
  }

  const kept = {}
  const pieces = doc.slice(begin + DOC_BEGIN.length, end).split(/^<!-- bench:part ([\w-]+) -->$/m)
  if (pieces[0].trim() !== '') log(`the earlier figures in ${path.relative(ROOT, DOC)} are not in parts: replaced by this run's`)
  for (let i = 1; i < pieces.length; i += 2) kept[pieces[i]] = pieces[i + 1].trim()
  const sections = PARTS.map(([name]) => [name, parts[name] ?? kept[name]]).filter(([, text]) => text)
  const fromBefore = sections.filter(([name]) => !parts[name]).map(([name]) => name)
  const block = sections.map(([name, text]) => `<!-- bench:part ${name} -->\n${text}\n`).join('\n')
  const updated = `${doc.slice(0, begin + DOC_BEGIN.length)}\n${block}${doc.slice(end)}`
  const temporary = `${DOC}.${process.pid}.tmp`
  fs.writeFileSync(temporary, updated)
  fs.renameSync(temporary, DOC)
  log(`wrote ${Object.keys(parts).join(', ')} into ${path.relative(ROOT, DOC)}${fromBefore.length > 0 ? ` (kept from earlier runs: ${fromBefore.join(', ')})` : ''}`)
}
