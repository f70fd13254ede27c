#!/usr/bin/env node
/**
 * The installed `igny8`. dist/ is built by scripts/build.mjs (esbuild); dist/vendor/oclif-core.js is
 * @oclif/core, loaded once and shared with the commands.
 *
 * `igny8 --version` is answered here without loading oclif: oclif's own line
 * `<name>/<version> <platform>-<arch> node-<node version>`. Whenever oclif could print anything else
 * (init or finally hooks, user-installed plugins, WSL, which oclif reports as platform "wsl",
 * Windows) it goes through oclif.
 *
 * Earlier versions kept rendered help in <cache dir>/help/, keyed by the whole environment: secrets
 * from the environment ended up in those files. Nothing is cached any more, and that folder is removed.
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

const pjson = readJson(path.join(ROOT, 'package.json'))
if (pjson) removeHelpCache(pjson)
const version = pjson && mayAnswerHere(argv) && nothingElseCouldPrint(pjson) ? versionLine(argv, pjson) : undefined
if (version === undefined) {
  tuneV8ForShortRuns(argv)
  const {execute} = await import('../dist/vendor/oclif-core.js')
  await execute({dir: import.meta.url})
} else {
  process.stdout.write(`${version}\n`)
}

/** The help cache of earlier versions held the environment (secrets included): it must not stay on disk. */
function removeHelpCache(root) {
  try {
    fs.rmSync(path.join(cacheDir(root), 'help'), {recursive: true, force: true})
  } catch {}
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

/** Cheap pre-check: only a version flag can be answered here. */
function mayAnswerHere(args) {
  return args.length === 1 && args[0].startsWith('-')
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

/** oclif's cache directory for this CLI (<BIN>_CACHE_DIR overrides it). */
function cacheDir(root) {
  const oclif = root.oclif ?? {}
  const bin = (oclif.bin || root.name).replaceAll('@', '').replaceAll(/[/-]/g, '_').toUpperCase()
  if (process.env[`${bin}_CACHE_DIR`]) return process.env[`${bin}_CACHE_DIR`]
  const home = process.env.HOME || os.homedir() || os.tmpdir()
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', oclif.dirname || root.name)
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), oclif.dirname || root.name)
}
