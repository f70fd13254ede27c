/**
 * Files igny8 writes for users (`--output`, `--junit`): written atomically by `atomically` (a temp file
 * in the same folder, fsynced, renamed over the target, purged if the process is interrupted), so a
 * reader never sees half a file and a failed run leaves the old one.
 */
import fs from 'node:fs/promises'
import path from 'node:path'

import {CliError, ExitCode} from '../errors.js'

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const {writeFile} = await import('atomically')
  const target = path.resolve(file)
  // An existing file keeps its mode; a new one gets the usual 0644.
  const mode = await fs.stat(target).then((stat) => stat.mode & 0o777, () => 0o644)
  try {
    // atomically would create missing folders; a typo in the path should fail instead.
    if (!(await fs.stat(path.dirname(target))).isDirectory()) throw new Error(`${path.dirname(target)} is not a folder`)
    await writeFile(target, content, {encoding: 'utf8', mode, fsync: true})
  } catch (error) {
    throw new CliError(`Cannot write ${file}: ${(error as Error).message}`, {
      code: 'output_unwritable',
      exitCode: ExitCode.usage,
      hint: 'Check that the folder exists and that you may write to it.',
      cause: error,
    })
  }
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n')
}
