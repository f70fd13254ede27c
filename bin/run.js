#!/usr/bin/env node
/**
 * The installed `igny8`. dist/ is built by scripts/build.mjs (esbuild); dist/vendor/oclif-core.js is
 * @oclif/core, loaded once and shared with the commands.
 *
 * Two answers are given here without loading oclif, both exactly what oclif itself prints:
 *
 * - `igny8 --version`: oclif's line `<name>/<version> <platform>-<arch> node-<node version>`.
 * - Help (`igny8`, `igny8 --help`, `igny8 <topic or command…> --help`) that oclif rendered before for
 *   exactly the same inputs: its output is kept in <cache dir>/help/, keyed by the arguments, the
 *   package, manifest and plugin files (size and mtime), the theme file, the terminal (TTY or not,
 *   width), the Node version and platform, and every environment variable (colour and width settings
 *   live there). Any difference is a miss, and a miss is oclif rendering the help as usual (and
 *   storing it when it printed help and nothing else). Only used with a shipped oclif.manifest.json,
 *   never in a development tree whose compiled commands can change under the same files.
 *
 * Whenever oclif could print anything else (init or finally hooks, user-installed plugins, WSL, which
 * oclif reports as platform "wsl", Windows) everything goes through oclif.
 */
import {createRequire} from 'node:module'

// Built-ins through require: an ES import of each would build a module facade for it (a few ms in all).
const require = createRequire(import.meta.url)
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const {fileURLToPath} = require('node:url')

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const argv = process.argv.slice(2)

const pjson = mayAnswerHere(argv) ? readJson(path.join(ROOT, 'package.json')) : undefined
const plain = pjson !== undefined && nothingElseCouldPrint(pjson)
const version = plain ? versionLine(argv, pjson) : undefined
const help = plain && version === undefined ? helpCacheEntry(argv, pjson) : undefined
if (version !== undefined) {
  process.stdout.write(`${version}\n`)
} else if (help?.output !== undefined) {
  process.stdout.write(help.output)
} else {
  const recorder = help ? recordOutput() : undefined
  tuneV8ForShortRuns(argv)
  const {execute} = await import('../dist/vendor/oclif-core.js')
  await execute({dir: import.meta.url})
  // Loaded with oclif already (its safe mkdir is used for the help folder).
  if (recorder) recorder.store(help, (await import('../dist/vendor/code-cache.js')).makeDirectory)
}

/**
 * V8's defaults suit long-lived servers. A run of igny8 lives for seconds and is bound by the network:
 * a gather makes one small HTTP exchange per post type and taxonomy, a fleet check a few per site. For
 * such a run, three defaults only raise the high-water mark of memory:
 *
 * - the young generation doubles each time garbage survives a scavenge, up to 2 × 16 MiB
 *   (--semi-space-growth-factor=1 keeps it at its starting size);
 * - the old generation grows eagerly (--optimize-for-size makes the heap grow as little as it can);
 * - the optimizing compiler (TurboFan) compiles hot functions with several MiB of working memory, to
 *   speed up code that a few-second run barely repeats (--no-turbofan: the interpreter and the baseline
 *   compiler still run everything).
 *
 * Measured on Node 20 with `npm run bench`: a 240-collection gather peaks at ~72 instead of ~94 MiB
 * in the same time; see README, Performance. V8 reads these flags whenever it sizes a space or decides
 * to optimize, so setting them before any real work is safe (unlike flags that shape V8's threads,
 * such as --single-threaded, which crash when set late). They are not set for `sandbox serve` (a
 * long-lived server), on Node majors this was not written for (an unknown flag prints an error), when
 * the user set any of them (or another heap size) in NODE_OPTIONS or on the command line, nor with
 * IGNY8_V8_DEFAULTS=1 (e.g. a fleet of thousands of sites, where TurboFan pays for itself).
 */
function tuneV8ForShortRuns(args) {
  const major = Number(process.versions.node.split('.')[0])
  if (major < 20 || major > 24 || args[0]?.split(':')[0] === 'sandbox' || process.env.IGNY8_V8_DEFAULTS === '1') return
  const userFlags = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`
  if (/--(?:no-)?(?:semi-space|max-semi|optimize-for-size|max-old-space|opt\b|turbofan)/.test(userFlags.replaceAll('_', '-'))) return
  try {
    require('node:v8').setFlagsFromString('--semi-space-growth-factor=1 --optimize-for-size --no-turbofan')
    // V8 rejects code cached under other flags: dist/vendor/code-cache.js keeps one cache per flag set.
    globalThis[Symbol.for('igny8.v8-tuning')] = 'short-run'
  } catch {}
}

/** Cheap pre-check: only a version flag or a help request can be answered here. */
function mayAnswerHere(args) {
  return args.length === 0 || args[0].startsWith('-') || args.at(-1).startsWith('-')
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** oclif runs init and finally hooks (of the CLI, its plugins and user plugins) around version and help. */
function nothingElseCouldPrint(root) {
  const hasHooks = (manifest) => Boolean(manifest?.oclif?.hooks?.init || manifest?.oclif?.hooks?.finally)
  if (hasHooks(root)) return false
  for (const name of root.oclif?.plugins ?? []) {
    const plugin = readJson(path.join(ROOT, 'node_modules', name, 'package.json'))
    if (!plugin || hasHooks(plugin)) return false
  }

  return process.platform !== 'win32' && !mightBeWsl() && !fs.existsSync(path.join(oclifDir('data', root), 'package.json'))
}

/** oclif's answer to `igny8 <flag>` when that flag is a version flag. */
function versionLine(args, root) {
  const flags = ['--version', ...(root.oclif?.additionalVersionFlags ?? [])]
  if (!flags.includes(args[0])) return undefined
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch()
  return `${root.name}/${root.version || '0.0.0'} ${os.platform()}-${arch} node-${process.version}`
}

/** The checks of is-wsl, which oclif uses to report "wsl" instead of "linux"; any hint → let oclif decide. */
function mightBeWsl() {
  if (process.platform !== 'linux') return false
  if (process.env.__IS_WSL_TEST__) return true
  if (os.release().toLowerCase().includes('microsoft')) return true
  try {
    if (fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return true
  } catch {}

  return fs.existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || fs.existsSync('/run/WSL')
}

/** oclif's config and data directories (Config.dir, with <BIN>_CONFIG_DIR / <BIN>_DATA_DIR first). */
function oclifDir(category, root) {
  const oclif = root.oclif ?? {}
  const bins = [oclif.bin || root.name, ...(oclif.binAliases ?? [])].filter(Boolean)
  const scoped = bins.map((bin) => `${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_${category}_DIR`.toUpperCase()).find((key) => process.env[key])
  if (scoped) return process.env[scoped]
  const home = process.env.HOME || os.homedir() || os.tmpdir()
  const base = process.env[`XDG_${category.toUpperCase()}_HOME`] || path.join(home, category === 'data' ? '.local/share' : `.${category}`)
  return path.join(base, oclif.dirname || root.name)
}

/**
 * For a help request: where its output is kept and, when it was kept for exactly these inputs, the
 * output. undefined when the arguments are not a plain help request or the help could vary otherwise.
 */
function helpCacheEntry(args, root) {
  const helpFlags = ['--help', ...(root.oclif?.additionalHelpFlags ?? [])]
  const words = args.length === 0 ? [] : helpFlags.includes(args.at(-1)) ? args.slice(0, -1) : undefined
  if (!words || words.length > 4 || !words.every((word) => /^[A-Za-z0-9][\w:-]*$/.test(word))) return undefined
  const manifestFile = path.join(ROOT, 'oclif.manifest.json')
  const manifest = readJson(manifestFile)
  // A command whose help is computed when it runs (dynamic flag defaults) is never kept.
  if (!manifest || Object.values(manifest.commands ?? {}).some((command) => command.hasDynamicHelp)) return undefined
  const stamp = (file) => {
    try {
      const stat = fs.statSync(file)
      return `${stat.size}:${stat.mtimeMs}`
    } catch {
      return '-'
    }
  }

  const files = [path.join(ROOT, 'package.json'), manifestFile, path.join(oclifDir('config', root), 'theme.json')]
  for (const name of root.oclif?.plugins ?? []) files.push(path.join(ROOT, 'node_modules', name, 'package.json'), path.join(ROOT, 'node_modules', name, 'oclif.manifest.json'))
  const width = (stream) => {
    if (!stream.isTTY) return 80
    const [columns] = stream.getWindowSize()
    return columns < 1 ? 80 : Math.max(columns, 40)
  }

  const volatile = new Set(['_', 'PWD', 'OLDPWD', 'SHLVL'])
  const env = Object.entries(process.env)
    .filter(([name]) => !volatile.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const key = JSON.stringify({
    args,
    root: ROOT,
    files: files.map((file) => [file, stamp(file)]),
    node: [process.version, process.platform, process.arch],
    terminal: [Boolean(process.stdout.isTTY), Boolean(process.stderr.isTTY), width(process.stdout), width(process.stderr)],
    env,
  })
  const file = path.join(cacheDir(root), 'help', `${hash(key)}.json`)
  const entry = readJson(file)
  return {key, file, output: entry?.key === key && typeof entry.output === 'string' ? entry.output : undefined}
}

/** oclif's cache directory for this CLI (<BIN>_CACHE_DIR overrides it). */
function cacheDir(root) {
  const oclif = root.oclif ?? {}
  const bin = (oclif.bin || root.name).replaceAll('@', '').replaceAll(/[/-]/g, '_').toUpperCase()
  if (process.env[`${bin}_CACHE_DIR`]) return process.env[`${bin}_CACHE_DIR`]
  const home = process.env.HOME || os.homedir() || os.tmpdir()
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', oclif.dirname || root.name)
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), oclif.dirname || root.name)
}

/** FNV-1a, two 32-bit lanes: a file name; the full key inside the file is what is compared. */
function hash(text) {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    a = Math.imul(a ^ code, 0x01000193)
    b = Math.imul(b ^ code, 0x811c9dc5)
  }

  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`
}

/** Keeps what oclif writes to stdout; the output is stored only if it succeeded and wrote nothing to stderr. */
function recordOutput() {
  const chunks = []
  let stderrUsed = false
  const stdoutWrite = process.stdout.write
  const stderrWrite = process.stderr.write
  process.stdout.write = function (chunk, ...rest) {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return stdoutWrite.call(this, chunk, ...rest)
  }

  process.stderr.write = function (chunk, ...rest) {
    stderrUsed = true
    return stderrWrite.call(this, chunk, ...rest)
  }

  return {
    store(entry, makeDirectory) {
      process.stdout.write = stdoutWrite
      process.stderr.write = stderrWrite
      if (stderrUsed || process.exitCode || chunks.length === 0) return
      try {
        const dir = path.dirname(entry.file)
        makeDirectory(dir)
        const temporary = `${entry.file}.${process.pid}.tmp`
        fs.writeFileSync(temporary, JSON.stringify({key: entry.key, output: chunks.join('')}))
        fs.renameSync(temporary, entry.file)
        // Bounded: a terminal resized over and over must not fill the disk.
        const kept = fs.readdirSync(dir)
        if (kept.length > 200) for (const name of kept.slice(0, 100)) fs.rmSync(path.join(dir, name), {force: true})
      } catch {}
    },
  }
}
