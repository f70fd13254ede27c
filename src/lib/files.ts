/**
 * File-system helpers the commands share.
 */
import fs from 'node:fs'
import path from 'node:path'

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
