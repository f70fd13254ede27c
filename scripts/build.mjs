#!/usr/bin/env node
/**
 * Builds dist/ with esbuild: what `npm pack` ships and what bin/run.js runs. Type checking is not done
 * here: `npm run build` runs `tsc --noEmit` first.
 *
 * Why bundle: a run's start-up is dominated by loading hundreds of small files (got, zod, conf and their
 * dependencies), not by running code. Each command (and hook, and src/help.ts, the help class) is one
 * ES module at the path tsc would give it, so `oclif.commands` (./dist/commands), the manifest and
 * `oclif readme` work unchanged; code shared by commands goes to dist/chunks/, and an `await import()`
 * in src/ becomes a chunk of its own.
 * @oclif/core stays an ordinary dependency, loaded from node_modules by bin/run.js and the commands
 * alike: one instance of the framework. Source maps (dist/**.js.map, without the sources) let a
 * `--debug` trace point at src/ lines. dist/THIRD-PARTY-LICENSES.txt carries the bundled packages'
 * licenses.
 *
 * MINIFY=0 keeps the output readable; BUILD_STATS=1 lists the output sizes.
 */
import * as esbuild from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const src = path.join(root, 'src')
const outdir = path.join(root, 'dist')
const minify = process.env.MINIFY !== '0'

fs.rmSync(outdir, {recursive: true, force: true})
const entryPoints = [...sources(path.join(src, 'commands')), ...sources(path.join(src, 'hooks')), path.join(src, 'help.ts')].map((file) => ({
  in: file,
  out: path.relative(src, file).replace(/\.ts$/, ''),
}))
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // The framework and its plugins: one copy, the one oclif itself loads.
  external: ['@oclif/*'],
  sourcemap: 'linked',
  sourcesContent: false,
  // Whitespace and syntax only: names stay, so a trace reads like the source even without the map.
  minifyWhitespace: minify,
  minifySyntax: minify,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // Bundled CommonJS dependencies call require() for Node built-ins; an ES module has none of its own.
  banner: {js: "import {createRequire as __igny8Require} from 'node:module';const require=__igny8Require(import.meta.url);"},
})
checkInputs(result.metafile.inputs)
writeThirdPartyLicenses(result.metafile.inputs)
if (process.env.BUILD_STATS) {
  for (const [file, output] of Object.entries(result.metafile.outputs).sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`${(output.bytes / 1024).toFixed(0).padStart(6)} KiB  ${file}`)
  }
}

/**
 * Code that finds files relative to itself breaks when it moves into a bundle. Our sources must not
 * use import.meta paths; bundled CommonJS must not need __dirname/__filename (undefined in an ES
 * module, and meaningless after bundling). Reviewed: @colors/colors mentions them only inside strings.
 */
function checkInputs(inputs) {
  const reviewed = ['/@colors/colors/']
  const problems = []
  for (const input of Object.keys(inputs)) {
    if (input.includes(':') || input.startsWith('<')) continue
    const file = path.join(root, input)
    if (!fs.existsSync(file)) continue
    const code = fs.readFileSync(file, 'utf8')
    if (input.startsWith('src/') && /import\.meta\.(url|dirname|filename)/.test(code)) problems.push(`${input} uses an import.meta path`)
    if (!input.startsWith('src/') && !reviewed.some((dir) => input.includes(`node_modules${dir}`)) && /\b__(dirname|filename)\b/.test(code)) {
      problems.push(`${input} uses __dirname/__filename`)
    }
  }

  if (problems.length > 0) {
    console.error(`build: files that would break once bundled (resolve paths from the package root instead):\n  ${problems.join('\n  ')}`)
    process.exitCode = 1
  }
}

/** dist/THIRD-PARTY-LICENSES.txt: the license of every package whose code is bundled into dist/. */
function writeThirdPartyLicenses(inputs) {
  const packages = new Map()
  for (const input of Object.keys(inputs)) {
    const normalized = input.replaceAll('\\', '/')
    // The innermost node_modules: a package nested inside another is a package of its own.
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(normalized)
    if (!match) continue
    const dir = path.join(root, normalized.slice(0, match.index + match[0].length))
    if (!packages.has(dir)) packages.set(dir, match[1])
  }

  const sections = [...packages]
    .map(([dir, name]) => {
      const pjson = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
      const file = fs.readdirSync(dir).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry))
      const text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${pjson.license ?? 'see the package'}`
      return {id: `${name}@${pjson.version}`, text: `${name}@${pjson.version} (${pjson.license ?? 'unknown'})\n\n${text}`}
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1))
  const header = 'igny8 bundles code from the following packages (scripts/build.mjs); their licenses follow.\n'
  fs.writeFileSync(path.join(outdir, 'THIRD-PARTY-LICENSES.txt'), [header, ...sections.map((section) => section.text)].join(`\n\n${'-'.repeat(78)}\n\n`) + '\n')
}

function sources(dir) {
  return walk(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
}

function walk(dir) {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
}
