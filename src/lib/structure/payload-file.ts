/**
 * `--output FILE`: the payload as JSON, written atomically (a temp file in the same folder, flushed, then
 * renamed over the target), so a reader never sees half a file and a failed run leaves the old one.
 */
import {randomBytes} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'

import {CliError, ExitCode} from '../errors.js'

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const target = path.resolve(file)
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  // An existing file keeps its mode; a new one gets the usual 0644 (less the umask).
  const mode = await fs.stat(target).then((stat) => stat.mode & 0o777, () => 0o644)
  let handle: fs.FileHandle | undefined
  try {
    handle = await fs.open(temp, 'wx', mode)
    await handle.writeFile(content, 'utf8')
    await handle.sync()
    await handle.close()
    handle = undefined
    await fs.rename(temp, target)
  } catch (error) {
    await handle?.close().catch(() => {})
    await fs.rm(temp, {force: true})
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
