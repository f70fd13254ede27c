/**
 * The CLI as users get it: `npm pack` (prepack builds dist/ and generates oclif.manifest.json), then the
 * tarball installed with `npm install -g --prefix <temp> --omit=dev` — the same files, manifest and
 * production dependencies an `npm i -g igny8` gives.
 *
 * The pack runs in a copy of the working tree (node_modules linked, not copied) so that a bench never
 * rewrites the dist/ or the manifest of the tree other people are testing in.
 */
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'

const run = promisify(execFile)
const SKIP = new Set(['node_modules', '.git', 'dist', '.bench', 'oclif.manifest.json', 'coverage'])

export async function packAndInstall(repo, workDir) {
  const tree = path.join(workDir, 'tree')
  const prefix = path.join(workDir, 'prefix')
  fs.rmSync(workDir, {recursive: true, force: true})
  fs.mkdirSync(tree, {recursive: true})
  for (const entry of fs.readdirSync(repo)) {
    if (SKIP.has(entry) || entry.endsWith('.tgz')) continue
    fs.cpSync(path.join(repo, entry), path.join(tree, entry), {recursive: true})
  }

  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(tree, 'node_modules'), 'dir')
  const env = {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false'}
  try {
    await run('npm', ['pack', '--pack-destination', workDir], {cwd: tree, env, maxBuffer: 64 * 1024 * 1024})
  } catch (error) {
    throw new Error(`npm pack failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`)
  }

  const tarball = fs.readdirSync(workDir).find((file) => file.endsWith('.tgz'))
  if (!tarball) throw new Error(`npm pack left no tarball in ${workDir}`)
  try {
    await run('npm', ['install', '--global', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', path.join(workDir, tarball)], {cwd: workDir, env, maxBuffer: 64 * 1024 * 1024})
  } catch (error) {
    throw new Error(`npm install of ${tarball} failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`)
  }

  return installed(workDir)
}

/** What packAndInstall left in workDir. */
export function installed(workDir) {
  const prefix = path.join(workDir, 'prefix')
  const tarball = fs.readdirSync(workDir).find((file) => file.endsWith('.tgz'))
  if (!tarball) throw new Error(`no packed CLI in ${workDir}: run without BENCH_REUSE first`)
  const packageRoot = path.join(prefix, 'lib', 'node_modules', 'igny8')
  const bin = path.join(prefix, 'bin', 'igny8')
  const manifestPath = path.join(packageRoot, 'oclif.manifest.json')
  return {
    tarball: path.join(workDir, tarball),
    tarballBytes: fs.statSync(path.join(workDir, tarball)).size,
    packageRoot,
    bin,
    manifest: fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : undefined,
    version: JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version,
  }
}
