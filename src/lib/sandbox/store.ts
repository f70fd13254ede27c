/**
 * Holds the sandbox state and, with a state file, persists it after every change: written to a temp
 * file in the same folder, fsynced, then renamed over the old one (mode 0600), so a crash leaves either
 * the old or the new state, never half of one. A file that exists but is not a valid state is never
 * overwritten: start-up fails and the file is left for the user to inspect.
 */
import fs from 'node:fs'
import path from 'node:path'

import type {ResolvedOptions} from './options.js'

import {describeIssues} from '../backend/contract.js'
import {CliError, ExitCode} from '../errors.js'
import {jsonText, writeFileAtomic} from '../files.js'
import {DEMO_ACCOUNT_ID, type SandboxState, sandboxStateSchema, seedState, wpUrlFor} from './state.js'

export class SandboxStateError extends CliError {
  constructor(message: string, cause?: unknown) {
    super(message, {code: 'sandbox_state', exitCode: ExitCode.usage, cause})
    this.name = 'SandboxStateError'
  }
}

export class SandboxStore {
  private constructor(
    readonly state: SandboxState,
    readonly statePath: string | undefined,
  ) {}

  /**
   * Loads the state file when there is one, else seeds a fresh state. Nothing is written yet: the caller
   * commits once the server listens, so a failed start leaves no new file behind.
   */
  static open(options: ResolvedOptions): SandboxStore {
    const statePath = options.statePath ? path.resolve(options.statePath) : undefined
    const loaded = statePath ? readState(statePath) : undefined
    const store = new SandboxStore(loaded ?? seedState(options), statePath)
    if (loaded && options.wpUrlsGiven) store.applyWpUrls(options)
    return store
  }

  /** Persists the current state (a no-op in memory-only mode). Call after every mutation. */
  commit(): void {
    if (!this.statePath) return
    const now = Math.floor(Date.now() / 1000)
    this.state.tokens.revoked = this.state.tokens.revoked.filter((entry) => entry.exp > now)
    try {
      // 0600 in a 0700 folder: the state holds passwords, API keys and the token signing secret.
      writeFileAtomic(this.statePath, jsonText(this.state), {mode: 0o600, folderMode: 0o700})
    } catch (error) {
      throw new SandboxStateError(`Cannot write the sandbox state file ${this.statePath}: ${(error as Error).message}`, error)
    }
  }

  /** Points each demo site's WordPress integration at the configured URLs, by site order. */
  private applyWpUrls(options: ResolvedOptions): void {
    const demoSites = this.state.sites.filter((site) => site.accountId === DEMO_ACCOUNT_ID)
    for (const [index, site] of demoSites.entries()) {
      const url = wpUrlFor(options, index)
      site.wp_url = url
      for (const integration of this.state.integrations) {
        if (integration.siteId === site.id && integration.platform === 'wordpress') integration.external_site_url = url
      }
    }
  }
}

function readState(file: string): SandboxState | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new SandboxStateError(`Cannot read the sandbox state file ${file}: ${(error as Error).message}`, error)
  }

  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new SandboxStateError(`The sandbox state file ${file} is not valid JSON (${(error as Error).message}); it was left untouched — fix it, move it away or pick another --state file.`, error)
  }

  const parsed = sandboxStateSchema.safeParse(json)
  if (!parsed.success) {
    throw new SandboxStateError(`The sandbox state file ${file} is not a valid sandbox state (${describeIssues(parsed.error, 3)}); it was left untouched — fix it, move it away or pick another --state file.`, parsed.error)
  }

  return parsed.data
}
