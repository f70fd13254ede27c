/**
 * File-system helpers the commands share, and the one atomic writer of igny8: every file igny8 writes
 * (`--output`, `--junit`, the sandbox's state file) goes through writeFileAtomic(); the profiles go
 * through conf, which writes with the same package.
 */
import {writeFileSync} from 'atomically'
import fs from 'node:fs'
import path from 'node:path'

import {CliError, ExitCode} from './errors.js'

/**
 * `fs.mkdirSync(dir, {recursive: true, mode})`, one level at a time. Node's recursive mkdir loops for
 * ever (at 100% CPU, deaf to SIGTERM) where mkdir answers ENOENT under a parent that exists, as /proc,
 * /sys and some FUSE mounts do: IGNY8_CONFIG_DIR=/proc/igny8 would hang instead of failing. Here that
 * is an ENOENT error like any other.
 */
export function makeDirectory(dir: string, mode?: number): void {
  try {
    fs.mkdirSync(dir, {mode})
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (code === 'EEXIST' && fs.statSync(dir).isDirectory()) return
    const parent = path.dirname(dir)
    if (code !== 'ENOENT' || parent === dir) throw error
    makeDirectory(parent, mode)
    // Once more, now that the parent exists; a second ENOENT is the answer.
    fs.mkdirSync(dir, {mode})
  }
}

export interface AtomicWriteOptions {
  /** The file's mode; `'keep'`: an existing file keeps its own, a new one gets the usual 0644. */
  mode: number | 'keep'
  /**
   * Create missing folders, with this mode (makeDirectory). Without it a missing folder is an error: a
   * typo in a path the user gave should fail, not create folders.
   */
  folderMode?: number
}

/**
 * Writes `content` atomically with `atomically` (conf's own writer): a temp file in the same folder,
 * fsynced, renamed over the target, purged if the process is interrupted. A reader never sees half a
 * file, and a failed write leaves the old one. Throws the file system's error.
 */
export function writeFileAtomic(file: string, content: string, options: AtomicWriteOptions): void {
  const target = path.resolve(file)
  const folder = path.dirname(target)
  // atomically would create missing folders itself, with fs.mkdirSync(recursive), which hangs under /proc.
  if (options.folderMode === undefined) {
    if (!fs.statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`)
  } else {
    makeDirectory(folder, options.folderMode)
  }

  const mode = options.mode === 'keep' ? existingMode(target) ?? 0o644 : options.mode
  writeFileSync(target, content, {encoding: 'utf8', mode, fsync: true})
}

function existingMode(file: string): number | undefined {
  try {
    return fs.statSync(file).mode & 0o777
  } catch {
    return undefined
  }
}

/** JSON as igny8 writes it to files: indented by two spaces, with a final newline. */
export const jsonText = (value: unknown): string => JSON.stringify(value, null, 2) + '\n'

/**
 * A file the user asked for (`--output`, `--junit`), written atomically into a folder that must exist;
 * an existing file keeps its mode. Any failure is a usage error (exit 2) naming the file.
 */
export function writeOutputFile(file: string, content: string): void {
  try {
    writeFileAtomic(file, content, {mode: 'keep'})
  } catch (error) {
    throw new CliError(`Cannot write ${file}: ${(error as Error).message}`, {
      code: 'output_unwritable',
      exitCode: ExitCode.usage,
      hint: 'Check that the folder exists and that you may write to it.',
      cause: error,
    })
  }
}

/** A report target of `-` is stdout (`--junit -`, `--html -`, `--metrics -`), as `--from-file -` is stdin. */
export const STDOUT_TARGET = '-'

/** A report that cannot be written is a usage error found before the work starts, not after it. */
export function assertOutputTarget(file: string, what: string): void {
  if (file === STDOUT_TARGET) return
  const folder = path.dirname(path.resolve(file))
  try {
    fs.accessSync(folder, fs.constants.W_OK)
  } catch {
    throw new CliError(`Cannot write the ${what} ${file}: the folder ${folder} does not exist or is not writable.`, {code: 'output_unwritable', exitCode: ExitCode.usage})
  }
}

/** A report to its file (atomically) or, for `-`, to stdout. */
export function writeReport(target: string, content: string): void {
  if (target === STDOUT_TARGET) process.stdout.write(content.endsWith('\n') ? content : `${content}\n`)
  else writeOutputFile(target, content)
}

