/**
 * Runs before every command, help and --version included. Versions up to 0.1.0 kept rendered help in
 * <cache dir>/help/ (keyed by the whole environment, so secrets from the environment were written
 * there in clear text) and V8 code caches in <cache dir>/v8/. Nothing is cached any more: both go.
 */
import type {Hook} from '@oclif/core'

import fs from 'node:fs'
import path from 'node:path'

const hook: Hook.Init = async function () {
  for (const name of ['help', 'v8']) {
    try {
      fs.rmSync(path.join(this.config.cacheDir, name), {recursive: true, force: true})
    } catch {
      // An unreadable or odd cache folder (IGNY8_CACHE_DIR=/proc/x) must not stop the command.
    }
  }
}

export default hook
