/**
 * igny8 as users get it: `npm pack` (which builds dist/ and generates the oclif manifest), then the
 * tarball installed to a temporary prefix with `npm install -g --prefix`. Done once per test run.
 * IGNY8_TEST_INSTALLED_PREFIX points at a prefix where the package is installed already (CI installs it
 * once and runs the suites under several Node versions against it).
 */
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {ROOT} from './cli.js'

const run = promisify(execFile)

export interface InstalledPackage {
  prefix: string
  /** `<prefix>/bin/igny8`, the link npm made, as a shell finds it on PATH. */
  bin: string
  /** Where npm unpacked the package. */
  packageDir: string
}

let installing: Promise<InstalledPackage> | undefined

export function installedPackage(): Promise<InstalledPackage> {
  installing ??= install()
  return installing
}

async function install(): Promise<InstalledPackage> {
  const given = process.env.IGNY8_TEST_INSTALLED_PREFIX
  const prefix = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-installed-'))
  if (!given) {
    const npm = (args: string[]) => run('npm', args, {cwd: ROOT, maxBuffer: 16 * 1024 * 1024, env: {...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'}})
    const {stdout} = await npm(['pack', '--json', '--pack-destination', prefix])
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{filename: string}>
    if (!packed) throw new Error(`npm pack reported no tarball:\n${stdout}`)
    await npm(['install', '--global', '--prefix', prefix, '--prefer-offline', path.join(prefix, packed.filename)])
  }

  const packageDir = path.join(prefix, 'lib', 'node_modules', 'igny8')
  const bin = path.join(prefix, 'bin', 'igny8')
  if (!fs.existsSync(bin) || !fs.existsSync(path.join(packageDir, 'oclif.manifest.json'))) {
    throw new Error(`no installed igny8 with its manifest under ${prefix}`)
  }

  return {prefix, bin, packageDir}
}
