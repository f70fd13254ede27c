/**
 * Helpers for tests that need a real IGNY8-compatible backend: an in-process sandbox (control hooks on,
 * any free port), a child-process one (`node bin/run.js sandbox serve`, needs `npm run build`), and
 * thin wrappers over the `/__sandbox/` control hooks that work with either.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {type FaultSpec, type RequestLogEntry, type Sandbox, type SandboxCredentials, type SandboxOptions, startSandbox} from '../../src/lib/sandbox/index.js'
import {cliBin} from './cli.js'



/** Anything with the sandbox's origin: an in-process Sandbox or a SpawnedSandbox. */
export interface SandboxEndpoint {
  url: string
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** An in-process sandbox with control hooks on, on a free loopback port. Close it in `afterEach`. */
export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({port: 0, host: '127.0.0.1', control: true, ...options})
}

/** Calls a control hook and returns its `data`; throws on a non-2xx answer. */
export async function control<T = unknown>(sb: SandboxEndpoint, method: string, hook: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sb.url}/__sandbox/${hook}`, {
    method,
    headers: body === undefined ? {} : {'content-type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await response.json()) as {success: boolean; data: T; error?: string}
  if (!response.ok) throw new Error(`sandbox control ${method} ${hook} answered ${response.status}: ${json.error ?? JSON.stringify(json)}`)
  return json.data
}

/** Queues one scripted fault (or several) for the next matching API requests. */
export async function fault(sb: SandboxEndpoint, spec: FaultSpec | FaultSpec[]): Promise<void> {
  await control(sb, 'POST', 'faults', spec)
}

export async function clearFaults(sb: SandboxEndpoint): Promise<void> {
  await control(sb, 'DELETE', 'faults')
}

/** The API requests the sandbox has seen, oldest first; `pathPart` keeps those whose path contains it. */
export async function requests(sb: SandboxEndpoint, pathPart?: string): Promise<RequestLogEntry[]> {
  const query = pathPart ? `?path=${encodeURIComponent(pathPart)}` : ''
  const data = await control<{requests: RequestLogEntry[]}>(sb, 'GET', `requests${query}`)
  return data.requests
}

export async function clearRequests(sb: SandboxEndpoint): Promise<void> {
  await control(sb, 'DELETE', 'requests')
}

/** Every token of that kind issued so far is rejected as expired from now on. */
export async function expireTokens(sb: SandboxEndpoint, kind: 'access' | 'refresh' | 'all' = 'all'): Promise<void> {
  await control(sb, 'POST', 'expire-tokens', {kind})
}

/** Rotates a site's API key; returns the new one. */
export async function revokeApiKey(sb: SandboxEndpoint, siteId: number): Promise<string> {
  const data = await control<{apiKey: string}>(sb, 'POST', 'revoke-api-key', {siteId})
  return data.apiKey
}

/** Sets integration fields (is_active, sync_enabled, content_types, last_structure_fetch, ...) or `{delete: true}`. */
export async function patchIntegration(sb: SandboxEndpoint, id: number, patch: Record<string, unknown>): Promise<void> {
  await control(sb, 'PATCH', `integrations/${id}`, patch)
}

export async function setSyncedCounts(sb: SandboxEndpoint, id: number, counts: {post_types?: Record<string, number>; taxonomies?: Record<string, number>}): Promise<void> {
  await control(sb, 'POST', `synced-counts/${id}`, counts)
}

export interface SpawnedSandbox {
  apiUrl: string
  /** Origin of the server (control hooks under `/__sandbox/`). */
  url: string
  credentials: SandboxCredentials
  /** Every KEY=value line printed (empty under --json). */
  env: Record<string, string>
  child: ChildProcess
  /** Output so far, for diagnostics. */
  stdout(): string
  stderr(): string
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>
}

const READY_LINE = 'IGNY8_SANDBOX_READY=1'

/**
 * Runs `node bin/run.js sandbox serve --port 0 --control ...args` (built code in dist/: run `npm run
 * build` first), waits for the ready line and parses the KEY=value lines above it (or the JSON line
 * with `--json`). Call `stop()` in `afterEach`.
 */
export function spawnSandbox(args: string[] = [], options: {timeoutMs?: number; env?: NodeJS.ProcessEnv} = {}): Promise<SpawnedSandbox> {
  const child = spawn(process.execPath, [cliBin(), 'sandbox', 'serve', '--port', '0', '--control', ...args], {
    cwd: REPO_ROOT,
    env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', ...options.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
  })

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`sandbox did not get ready within ${options.timeoutMs ?? 15_000} ms; stderr: ${stderr}`))
    }, options.timeoutMs ?? 15_000)
    const early = (code: number | null): void => {
      clearTimeout(timer)
      reject(new Error(`sandbox exited with ${code} before it was ready; stderr: ${stderr.trim()}`))
    }

    child.once('exit', early)
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const ready = readyOutput(stdout)
      if (!ready) return
      clearTimeout(timer)
      child.off('exit', early)
      resolve({
        ...ready,
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
          return exited
        },
      })
    })
  })
}

/**
 * The ready protocol of `sandbox serve`: `export KEY=value` lines ended by `IGNY8_SANDBOX_READY=1`, or under
 * --json one JSON line `{"ready":true,...}`. Undefined until complete.
 */
export function readyOutput(stdout: string): Pick<SpawnedSandbox, 'apiUrl' | 'url' | 'credentials' | 'env'> | undefined {
  const lines = stdout.split('\n')
  if (lines[0]?.startsWith('{') && lines.length > 1) {
    const json = JSON.parse(lines[0]) as SandboxCredentials & {ready: true; apiUrl: string; url: string}
    const {ready: _ready, apiUrl, url, ...credentials} = json
    return {apiUrl, url, credentials, env: {}}
  }

  if (!lines.includes(READY_LINE)) return undefined
  const env = parseEnvLines(stdout)
  return {apiUrl: env.IGNY8_API_URL ?? '', url: env.IGNY8_SANDBOX_URL ?? '', credentials: credentialsFromEnv(env), env}
}

/** Parses `export KEY=value` lines as the sandbox writes them (bare, or single-quoted shell style; `export ` optional). */
export function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^(?:export )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
    if (!match) continue
    const [, key, raw] = match as unknown as [string, string, string]
    env[key] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw
  }

  return env
}

export function credentialsFromEnv(env: Record<string, string>): SandboxCredentials {
  const sites: SandboxCredentials['sites'] = []
  for (let n = 1; env[`SITE_${n}_ID`] !== undefined; n++) {
    const integration = env[`SITE_${n}_INTEGRATION_ID`]
    sites.push({
      id: Number(env[`SITE_${n}_ID`]),
      name: env[`SITE_${n}_NAME`] ?? '',
      domain: env[`SITE_${n}_DOMAIN`] ?? '',
      apiKey: env[`SITE_${n}_API_KEY`] ?? '',
      integrationId: integration ? Number(integration) : null,
    })
  }

  return {
    email: env.IGNY8_EMAIL ?? '',
    password: env.IGNY8_PASSWORD ?? '',
    viewerEmail: env.IGNY8_VIEWER_EMAIL ?? '',
    viewerPassword: env.IGNY8_VIEWER_PASSWORD ?? '',
    sites,
  }
}

export {type FaultSpec, type RequestLogEntry, type Sandbox, type SandboxCredentials} from '../../src/lib/sandbox/index.js'