#!/usr/bin/env node
/**
 * `npm run bench`: start-up, gather and fleet-check performance of the CLI as users install it, against
 * the targets in TARGETS below. Prints one table and exits 1 when a target is missed; a figure that
 * could not be measured fails its row. The table and its notes also replace what was between the
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
 * 4. Fleet: `igny8 integration check --all-sites` over 20, 100 and 200 sandbox sites that point at
 *    replay sites; S = spawn → the first request the sandbox or the replay server sees, in the same run.
 *    Targets: (t − S) per round of ⌈sites / concurrency⌉ flat (≤ 1.25× the 20-site figure), peak RSS
 *    at 200 ≤ 1.5× at 20.
 * 5. Reference (no target): the same gather against the real test WordPress (scripts/wordpress.sh).
 *
 * Settings (environment): BENCH_RUNS=N (start-up runs, default 20), BENCH_QUICK=1 (fewer runs of
 * everything, to iterate), BENCH_SKIP_WP=1 (no reference run), BENCH_WP_URL=URL (reference against a
 * running WordPress instead of a private lab), BENCH_ONLY=startup,gather,fleet,wordpress, BENCH_REUSE=1
 * (measure the install the previous run left in .bench/ instead of packing again), BENCH_DOC=none (do
 * not write docs/performance.md; or another file with the same markers).
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

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
const FLEET = {sizes: [20, 100, 200], rttMs: 20}
const TARGETS = {
  /** `igny8 --help`, `igny8 structure gather --help`: median ≤ 2.5 × `node -e 0`. */
  helpRatio: 2.5,
  /** `structure gather`, spawn → first request: ≤ 3.0 × `node -e "http.get(…)"` to the same server. */
  gatherStartRatio: 3.0,
  /** 240-collection gather at 50 ms per answer: (t − S) ≤ 1.25 × the bare client's (t − S). */
  gatherVsBare: 1.25,
  /** Gather peak RSS (MiB), V8's defaults (cleanEnv() passes no NODE_OPTIONS). */
  gatherRssMiB: 100,
  /** Fleet: (t − S) per round at 100 and 200 sites ≤ 1.25 × at 20 sites. */
  fleetLinear: 1.25,
  /** Fleet: peak RSS at 200 sites ≤ 1.5 × at 20. */
  fleetRss: 1.5,
}

const rows = []
const notes = []
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
  const set = ['BENCH_QUICK', 'BENCH_RUNS', 'BENCH_ONLY', 'BENCH_REUSE', 'BENCH_SKIP_WP', 'BENCH_WP_URL'].filter((name) => process.env[name])
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
  if (values.length === 0 || !values.every(Number.isFinite)) return {median: Number.NaN, min: Number.NaN, max: Number.NaN}
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
  try {
    // eslint-disable-next-line no-await-in-loop
    await scenario()
  } catch (error) {
    // A scenario that cannot run is a missed target, reported with the reason; the others still run.
    addRow({scenario: `${name}: could not run`, ratio: String(error.message).split('\n')[0].slice(0, 80), status: name === 'wordpress' ? 'ref' : 'FAIL'})
    notes.push(`${name} failed: ${String(error.stack ?? error).slice(0, 1500)}`)
    log(`${name} failed: ${error.message}`)
  }
}

const report = renderReport()
console.log(`\n${report.text}`)
writeDoc(report.markdown)
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
  const help = (result) => {
    expectExit(0, result, 'help')
    if (!result.stdout.includes('USAGE')) throw new Error(`help printed no USAGE:\n${result.stdout.slice(0, 500)}`)
  }

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
      before: () => (cold.NODE_COMPILE_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-bench-compile-cache-'))),
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
    notes.push('Start-up: Node\'s compile cache is on (bin/run.js: module.enableCompileCache()); the rows above run with it warm (its default folder), the first-run row with NODE_COMPILE_CACHE pointed at an empty folder every time.')
  } else {
    notes.push(`Start-up: node ${nodeVersion} has no compile cache (module.enableCompileCache() arrived in Node 22.8): every run compiles all the code it loads, so the rows above are first runs and there is no first-run row.`)
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
  const start = (s) => statsOf(s.samples.map((one) => one.extra.firstRequestMs))
  const rest = (s) => statsOf(s.samples.map((one) => one.ms - one.extra.firstRequestMs))
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
    notes.push(`Gather: the clients did not make the same requests: only the gather: ${onlyIn(reference, other).join(', ') || '—'}; only the other: ${onlyIn(other, reference).join(', ') || '—'}.`)
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
  notes.push(
    `Gather: S = spawn → the first request the replay server saw, t − S = the rest of the run (its requests, then exit), medians of the same interleaved runs. ` +
      `The bare client (bench/lib/bare-gather.mjs: node:http, JSON.parse, nothing else) made ${differing.length > 0 ? 'OTHER requests than' : 'the same requests as'} the gather, over at most ${most(bare, 'connections')} connections; ` +
      `its t − S is what ${requests} requests in ${rounds} round trips (home page, REST index, types ‖ taxonomies, ⌈${collections}/${concurrency}⌉ count rounds; ${rounds * rttMs} ms of waiting) take on this machine.`,
  )
  const c1Start = median(c1.samples.map((one) => one.extra.firstRequestMs))
  notes.push(`Gather: with S taken out of both, --concurrency 1 is ${x((c1.median - c1Start) / restGather.median, 1)} slower than concurrency ${concurrency}; the per-run maximum of connections is shown.`)
}

async function fleet() {
  const command = cli.manifest?.commands['integration:check']
  if (!command || !command.flags?.['all-sites']) {
    addRow({scenario: 'integration check --all-sites (20/100/200 sites)', ratio: 'not available', target: 'linear; RSS(200) ≤ 1.5× RSS(20)', status: 'FAIL'})
    notes.push('integration check --all-sites is not in the installed manifest: the fleet was not measured.')
    log('fleet: `integration check --all-sites` is not available in this build')
    return
  }

  const {sizes, rttMs} = FLEET
  const replay = await startReplay({delayMs: rttMs})
  const concurrency = Number(command.flags.concurrency?.default ?? defaultFromDescription(command.flags.concurrency?.description) ?? 4)
  log(`fleet: integration check --all-sites over ${sizes.join(', ')} sandbox sites (WordPress replay, ${rttMs} ms per response), concurrency ${concurrency}`)
  const sandboxes = []
  const cases = []
  try {
    for (const size of sizes) {
      const wpUrls = Array.from({length: size}, (_, i) => replay.siteUrl(i + 1))
      const env = cleanEnv()
      // eslint-disable-next-line no-await-in-loop
      const sandbox = await startSandboxProcess(cli.bin, {sites: size, wpUrls, env})
      sandboxes.push(sandbox)
      // eslint-disable-next-line no-await-in-loop
      const connect = await runOnce([cli.bin, 'connect', '--api-url', sandbox.apiUrl, '--email', sandbox.email, '--password-stdin', '--site', String(sandbox.sites[0].id), '--json'], {env, input: sandbox.password})
      expectExit(0, connect, `connect to the ${size}-site sandbox`)
      cases.push({
        name: String(size),
        argv: [cli.bin, 'integration', 'check', '--all-sites', '--json'],
        // To a file: through a pipe, a report over the pipe's buffer is cut short when the command exits 1.
        options: {env, timeoutMs: 300_000, stdoutToFile: true},
        runs: QUICK ? 1 : size === sizes[1] ? 2 : 3,
        // One warm-up (disk cache) is enough for all sizes: the largest runs take longest.
        warmup: size === sizes[0] ? 1 : 0,
        async before() {
          replay.reset()
          await sandbox.clearRequests()
        },
        // S = spawn → the first request the sandbox (IGNY8 API) or the replay server (WordPress) saw.
        async after(result) {
          const apiFirst = await sandbox.firstRequestAt()
          const first = Math.min(apiFirst ?? Number.POSITIVE_INFINITY, replay.stats.firstAt ?? Number.POSITIVE_INFINITY)
          return {requests: replay.stats.requests, connections: replay.stats.connections, firstRequestMs: Number.isFinite(first) ? first - result.startedAt : Number.NaN}
        },
        check(result) {
          if (result.code !== 0 && result.code !== 1) expectExit(0, result, `integration check --all-sites (${size} sites)`)
          const report = JSON.parse(result.stdout)
          if (!Array.isArray(report.sites) || report.sites.length !== size) throw new Error(`integration check reported ${report.sites?.length} sites, expected ${size}`)
          const failing = {}
          for (const site of report.sites) for (const c of site.checks ?? []) if (c.status === 'fail') failing[c.id] = (failing[c.id] ?? 0) + 1
          this.summary = {...report.summary, failing}
        },
      })
    }

    const summary = await measureInterleaved(cases, {warmup: 1, runs: 3, onProgress: (round, total) => log(`  fleet round ${round}/${total}`)})
    const first = sizes[0]
    const last = sizes.at(-1)
    const starts = statsOf(sizes.flatMap((size) => summary[String(size)].samples.map((s) => s.extra.firstRequestMs)))
    addRow({scenario: `integration check --all-sites: start-up S (spawn → first request)`, stats: starts, target: 'reference'})
    const per = (size) => statsOf(summary[String(size)].samples.map((s) => (s.ms - s.extra.firstRequestMs) / Math.ceil(size / concurrency))).median
    for (const size of sizes) {
      const stats = summary[String(size)]
      const requests = Math.max(...stats.samples.map((s) => s.extra.requests))
      const connections = Math.max(...stats.samples.map((s) => s.extra.connections))
      const growth = per(size) / per(first)
      const check = cases.find((c) => c.name === String(size)).summary
      addRow({
        scenario: `integration check --all-sites, ${size} sites`,
        stats,
        ratio: size === first ? `${ms(per(size))}/round` : `${x(growth)} per round`,
        target: size === first ? 'reference' : `≤ ${x(TARGETS.fleetLinear)} per round`,
        status: size === first ? (Number.isFinite(per(size)) ? 'ref' : 'FAIL') : judge(growth, (g) => g <= TARGETS.fleetLinear),
      })
      notes.push(
        `Fleet ${size} sites: S ${ms(statsOf(stats.samples.map((s) => s.extra.firstRequestMs)).median)}; ${requests} WordPress requests over ${connections} connections per run; checks ${
          check ? `${['pass', 'warn', 'fail', 'skip'].map((k) => `${k} ${check[k]}`).join(', ')} (failing: ${Object.entries(check.failing).map(([id, n]) => `${id} ×${n}`).join(', ') || 'none'})` : '?'
        }.`,
      )
    }

    const rssLast = summary[String(last)].rssKiB ?? Number.NaN
    const rssFirst = summary[String(first)].rssKiB ?? Number.NaN
    const rssRatio = rssLast / rssFirst
    addRow({
      scenario: `integration check peak RSS, ${last} vs ${first} sites`,
      // Three digits: 1.504× is a miss that two would print as 1.50×.
      ratio: x(rssRatio, 3),
      rss: `${mib(rssLast)} / ${mib(rssFirst)}`,
      target: `≤ ${x(TARGETS.fleetRss, 1)}`,
      status: judge(rssRatio, (r) => r <= TARGETS.fleetRss),
    })
    notes.push(
      `Fleet: S = spawn → the first request the sandbox (its request log) or the WordPress replay saw, in each measured run; per round = (t − S) / ⌈sites / ${concurrency}⌉; linear growth keeps it flat.`,
    )
  } finally {
    await Promise.all(sandboxes.map((sandbox) => sandbox.stop()))
    await replay.close()
  }
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
    notes.push(`Real WordPress not available: ${String(error.message).split('\n')[0]}`)
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
    notes.push('Real WordPress: php -S answers every request with Connection: close, so no connection is reused there.')
  } finally {
    await lab.stop()
  }
}

/** The table and notes: aligned text for the terminal, Markdown for docs/performance.md. */
function renderReport() {
  const header = {scenario: 'scenario', median: 'median', range: 'min–max', ratio: 'ratio', rss: 'peak RSS', target: 'target', status: 'result'}
  const columns = Object.keys(header)
  const right = new Set(['median', 'range', 'rss'])
  const pass = rows.filter((r) => r.status === 'pass').length
  const fail = rows.filter((r) => r.status === 'FAIL').length
  const about = [
    `igny8 ${cli.version} · ${revision()} · node ${process.version} · ${os.cpus().length} CPUs · ${new Date().toISOString()}`,
    `settings: ${settings()}`,
    `machine load at start: ${LOAD_AT_START}; at the end: ${machineLoad()}`,
  ]
  const total = `${pass} passed, ${fail} failed · ${((performance.now() - started) / 1000).toFixed(0)} s`

  const width = Object.fromEntries(columns.map((c) => [c, Math.max(header[c].length, ...rows.map((r) => String(r[c]).length))]))
  const line = (r) => columns.map((c) => (right.has(c) ? String(r[c]).padStart(width[c]) : String(r[c]).padEnd(width[c]))).join('  ').trimEnd()
  const text = [...about, line(header), columns.map((c) => '-'.repeat(width[c])).join('  '), ...rows.map(line), '', ...notes.map((note) => `- ${note}`), '', total].join('\n')

  const cell = (value) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ')
  const markdown = [
    ...about.map((one) => `${one}  `),
    '',
    `| ${columns.map((c) => header[c]).join(' | ')} |`,
    `|${columns.map((c) => (right.has(c) ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${columns.map((c) => cell(r[c] === '' ? ' ' : r[c])).join(' | ')} |`),
    '',
    ...notes.map((note) => `- ${cell(note)}`),
    '',
    `${total}.`,
  ].join('\n')
  return {text, markdown}
}

/** Replaces what is between the two markers of docs/performance.md by this run's report. */
function writeDoc(markdown) {
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

  const updated = `${doc.slice(0, begin + DOC_BEGIN.length)}\n${markdown}\n${doc.slice(end)}`
  const temporary = `${DOC}.${process.pid}.tmp`
  fs.writeFileSync(temporary, updated)
  fs.renameSync(temporary, DOC)
  log(`wrote the table and notes into ${path.relative(ROOT, DOC)}`)
}
