import type {AddressInfo, Socket} from 'node:net'

/**
 * Shared by the fault, security and data-safety suites (test/e2e/faults-*.test.ts, security.test.ts,
 * data-safety.test.ts): run igny8 while remembering every argument and every secret a test used, assert
 * the one-clean-error-line contract, connect a profile to a sandbox, and small local servers (a closed
 * port, a web site that is not WordPress, a minimal WordPress replay over http or https, slow or
 * enormous answers).
 */
import {expect} from 'chai'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'

import {type CliOptions, type CliRun, runCli} from './cli.js'
import {control, type Sandbox, startTestSandbox} from './sandbox.js'

// ---------------------------------------------------------------------------------------------
// Secrets and arguments seen by this test run
// ---------------------------------------------------------------------------------------------

/** Every secret a test used or that igny8 stored, by a label that is safe to print. */
export const usedSecrets = new Map<string, string>()
/** The arguments of every igny8 process started through `igny8()`. */
export const argvLog: string[][] = []

export function noteSecret(label: string, value: string | undefined | null): void {
  if (!value || value.length < 6) return
  usedSecrets.set(`${label} (${value.length} chars)`, value)
}

/** WordPress takes application passwords as HTTP Basic: the header value is a secret too. */
export function noteBasicAuth(label: string, user: string, password: string): void {
  noteSecret(label, password)
  noteSecret(`${label} as Basic`, Buffer.from(`${user}:${password}`).toString('base64'))
}

/** Reads every secret the profile file holds (tokens included), so the leak check covers them. */
export function noteProfileSecrets(configDir: string): void {
  const file = path.join(configDir, 'config.json')
  if (!fs.existsSync(file)) return
  let data: {profiles?: Record<string, {secrets?: Record<string, unknown>}>}
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return
  }

  for (const [name, profile] of Object.entries(data.profiles ?? {})) {
    for (const [key, value] of Object.entries(profile.secrets ?? {})) {
      if (typeof value === 'string' && !/ExpiresAt$|Scheme$/.test(key)) noteSecret(`profile ${name} ${key}`, value)
    }
  }
}

export function noteSandboxSecrets(sb: Sandbox): void {
  const {credentials} = sb
  noteSecret('sandbox owner password', credentials.password)
  noteSecret('sandbox viewer password', credentials.viewerPassword)
  for (const site of credentials.sites) noteSecret(`sandbox site ${site.id} API key`, site.apiKey)
}

/** Labels of the secrets found in `texts` (never the secrets themselves). */
export function leakedSecrets(texts: string[]): string[] {
  const found: string[] = []
  for (const [label, secret] of usedSecrets) {
    const where = texts.findIndex((text) => text.includes(secret))
    if (where !== -1) found.push(`${label} in output #${where}`)
  }

  return found
}

/** runCli, with the arguments kept for the "no secret in process arguments" check. */
export function igny8(args: string[], options: CliOptions = {}): Promise<CliRun> {
  argvLog.push([...args])
  return runCli(args, options)
}

// ---------------------------------------------------------------------------------------------
// The error contract: the exit code, exactly one `Error:` line, no stack trace, nothing on stdout
// ---------------------------------------------------------------------------------------------

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m

/** Asserts a clean failure and returns its `Error:` line. */
export function expectFailure(run: CliRun, exitCode: number, ...patterns: RegExp[]): string {
  const context = `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`
  expect(run.code, context).to.equal(exitCode)
  expect(run.stdout, `nothing on stdout\n${context}`).to.equal('')
  const errors = run.stderr.split('\n').filter((line) => line.startsWith('Error:'))
  expect(errors, `exactly one Error: line\n${context}`).to.have.length(1)
  expect(run.stderr, `no stack trace\n${context}`).to.not.match(STACK_LINE)
  expect(run.stderr, `no internal error\n${context}`).to.not.include('Unexpected internal error')
  const line = errors[0]!
  for (const pattern of patterns) expect(line, context).to.match(pattern)
  return line
}

/** Under --json: exactly one document `{"error": {...}}` with that exit code, stderr free of a stack. */
export function expectJsonFailure(run: CliRun, exitCode: number): {code: string; message: string; exitCode: number; hint?: string} {
  const context = `exit ${run.code}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`
  expect(run.code, context).to.equal(exitCode)
  const {error} = run.json()
  expect(error, context).to.be.an('object')
  expect(error.exitCode, context).to.equal(exitCode)
  expect(run.stderr, context).to.not.match(STACK_LINE)
  return error
}

export function expectSuccess(run: CliRun): void {
  expect(run.code, `exit ${run.code}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`).to.equal(0)
}

// ---------------------------------------------------------------------------------------------
// The sandbox backend
// ---------------------------------------------------------------------------------------------

/** An in-process sandbox whose secrets join the leak check. */
export async function startBackend(wpUrl: string, sites = 1): Promise<Sandbox> {
  const sb = await startTestSandbox({sites, wpUrls: [wpUrl]})
  noteSandboxSecrets(sb)
  return sb
}

export interface ConnectOptions {
  profile?: string
  as?: 'owner' | 'viewer' | 'api-key'
  extra?: string[]
  env?: NodeJS.ProcessEnv
}

/** `igny8 connect` as the owner (password), the viewer, or with the first site's API key. */
export function connect(sb: Sandbox, configDir: string, options: ConnectOptions = {}): Promise<CliRun> {
  const {credentials} = sb
  const profile = ['--profile', options.profile ?? 'default']
  const env = {IGNY8_API_URL: sb.apiUrl, ...options.env}
  const run =
    options.as === 'api-key'
      ? igny8(['connect', '--api-key-stdin', ...profile, ...(options.extra ?? [])], {env, configDir, input: credentials.sites[0]!.apiKey})
      : igny8(['connect', '--email', options.as === 'viewer' ? credentials.viewerEmail : credentials.email, '--password-stdin', ...profile, ...(options.extra ?? [])], {
          env,
          configDir,
          input: options.as === 'viewer' ? credentials.viewerPassword : credentials.password,
        })
  return run.then((result) => {
    noteProfileSecrets(configDir)
    return result
  })
}

/** Connects and fails the test unless it worked. */
export async function connected(sb: Sandbox, configDir: string, options: ConnectOptions = {}): Promise<void> {
  const run = await connect(sb, configDir, options)
  expectSuccess(run)
}

interface SandboxStateDump {
  integrations: Array<{id: number; config_json: {content_types?: Record<string, unknown>}}>
}

/** What the sandbox stores for the integration (`config_json.content_types`), read past the API. */
export async function storedStructure(sb: Sandbox, integrationId: number): Promise<Record<string, unknown> | undefined> {
  const state = await control<SandboxStateDump>(sb, 'GET', 'state')
  return state.integrations.find((row) => row.id === integrationId)?.config_json.content_types
}

// ---------------------------------------------------------------------------------------------
// Structure payloads
// ---------------------------------------------------------------------------------------------

export function samplePayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    post_types: {
      post: {label: 'Posts', count: 123, enabled: true, fetch_limit: 100},
      page: {label: 'Pages', count: 12, enabled: true, fetch_limit: 100},
      product: {label: 'Products', count: 45, enabled: false, fetch_limit: 50},
    },
    taxonomies: {
      category: {label: 'Categories', count: 25, enabled: true, fetch_limit: 100},
      post_tag: {label: 'Tags', count: 102, enabled: true, fetch_limit: 100},
    },
    timestamp: '2025-11-22T10:00:00Z',
    site_url: 'http://127.0.0.1:8089',
    wordpress_version: '6.1.9',
    ...overrides,
  }
}

// ---------------------------------------------------------------------------------------------
// Small local servers
// ---------------------------------------------------------------------------------------------

export interface SeenRequest {
  method: string
  url: string
  authorization?: string
  /** The IGNY8 plugin's `X-IGNY8-API-KEY` header. */
  apiKey?: string
}

export interface LocalServer {
  url: string
  port: number
  /** Requests received, oldest first (the Authorization header kept for the transport checks). */
  seen: SeenRequest[]
  close(): Promise<void>
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>

/** A node:http (or https, given a certificate) server on a free loopback port. */
export async function startServer(handler: Handler, tls?: {cert: string; key: string}): Promise<LocalServer> {
  const seen: SeenRequest[] = []
  const sockets = new Set<Socket>()
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const apiKey = req.headers['x-igny8-api-key']
    seen.push({method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization, apiKey: Array.isArray(apiKey) ? apiKey[0] : apiKey})
    res.on('error', () => {})
    Promise.resolve(handler(req, res)).catch(() => res.destroy())
  }

  const server = tls ? https.createServer({cert: tls.cert, key: tls.key}, listener) : http.createServer(listener)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** An https front for an http server (e.g. the sandbox): TLS terminated here, everything else piped. */
export function tlsProxy(target: string): Handler {
  const base = new URL(target)
  return (req, res) =>
    new Promise<void>((resolve) => {
      const upstream = http.request(
        {host: base.hostname, port: base.port, method: req.method, path: req.url, headers: {...req.headers, host: base.host}},
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
          answer.once('end', () => resolve())
        },
      )
      upstream.once('error', () => {
        res.destroy()
        resolve()
      })
      req.pipe(upstream)
    })
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
  })
  return port
}

/** A web site that is not WordPress: HTML for every path, 200. */
export const notWordPress: Handler = (_req, res) => {
  res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
  res.end('<!doctype html><html><head><title>Shop</title></head><body><h1>Just a shop</h1></body></html>')
}

export interface FakeWordPressOptions {
  /** Takes over a request before the replay (return true when it answered). */
  override?: (req: http.IncomingMessage, res: http.ServerResponse, route: string) => boolean | Promise<boolean>
  /** Accepted Basic credentials (user → application password); anything else runs as anonymous. */
  users?: Record<string, string>
}

export const FAKE_WP_COUNTS = {post: 7, page: 3, category: 4, post_tag: 9}

/**
 * A minimal WordPress 6.1 replay, enough for `structure gather`: the home page with the REST Link
 * header, the trimmed index, /wp/v2/types, /wp/v2/taxonomies, X-WP-Total counts and /wp/v2/users/me.
 */
export function fakeWordPress(options: FakeWordPressOptions = {}): Handler {
  return async (req, res) => {
    const origin = `${(req.socket as {encrypted?: boolean}).encrypted ? 'https' : 'http'}://${req.headers.host}`
    const url = new URL(req.url ?? '/', origin)
    const route = url.pathname.startsWith('/wp-json') ? url.pathname.slice('/wp-json'.length).replace(/\/+$/, '') || '/' : (url.searchParams.get('rest_route') ?? '')
    if (options.override && (await options.override(req, res, route))) return
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {'content-type': 'application/json; charset=UTF-8', ...headers})
      res.end(JSON.stringify(body))
    }

    if (!url.pathname.startsWith('/wp-json')) {
      res.writeHead(200, {'content-type': 'text/html; charset=UTF-8', link: `<${origin}/wp-json/>; rel="https://api.w.org/"`})
      res.end(`<!doctype html><html><head><meta name="generator" content="WordPress 6.1.9" /><link rel="https://api.w.org/" href="${origin}/wp-json/" /></head><body>A fake WordPress</body></html>`)
      return
    }

    const user = basicUser(req.headers.authorization, options.users ?? {})
    const links = (rest: string) => ({_links: {collection: [{href: `${origin}/wp-json/wp/v2/${rest}`}]}})
    switch (route) {
      case '/': {
        json(200, {name: 'Fake WordPress', url: origin, home: origin, namespaces: ['wp/v2'], authentication: {'application-passwords': {endpoints: {}}}})
        return
      }

      case '/wp/v2/types': {
        json(200, {
          post: {name: 'Posts', slug: 'post', rest_base: 'posts', rest_namespace: 'wp/v2', taxonomies: ['category', 'post_tag'], ...links('types')},
          page: {name: 'Pages', slug: 'page', rest_base: 'pages', rest_namespace: 'wp/v2', taxonomies: [], ...links('types')},
          attachment: {name: 'Media', slug: 'attachment', rest_base: 'media', rest_namespace: 'wp/v2', taxonomies: [], ...links('types')},
        })
        return
      }

      case '/wp/v2/taxonomies': {
        json(200, {
          category: {name: 'Categories', slug: 'category', rest_base: 'categories', rest_namespace: 'wp/v2', types: ['post'], ...links('taxonomies')},
          post_tag: {name: 'Tags', slug: 'post_tag', rest_base: 'tags', rest_namespace: 'wp/v2', types: ['post'], ...links('taxonomies')},
        })
        return
      }

      case '/wp/v2/users/me': {
        if (user) json(200, {id: 1, name: user, slug: user})
        else json(401, {code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: {status: 401}})
        return
      }

      default: {
        const counts: Record<string, number> = {
          '/wp/v2/posts': FAKE_WP_COUNTS.post,
          '/wp/v2/pages': FAKE_WP_COUNTS.page,
          '/wp/v2/categories': FAKE_WP_COUNTS.category,
          '/wp/v2/tags': FAKE_WP_COUNTS.post_tag,
        }
        const total = counts[route]
        if (total === undefined) {
          json(404, {code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: {status: 404}})
          return
        }

        json(200, total > 0 ? [{id: 1}] : [], {'x-wp-total': String(total), 'x-wp-totalpages': String(total)})
      }
    }
  }
}

function basicUser(header: string | undefined, users: Record<string, string>): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '')
  if (!match) return undefined
  const [user, ...rest] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':')
  return user !== undefined && users[user] !== undefined && users[user] === rest.join(':') ? user : undefined
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

/** Resolves when `check` is true, polling; rejects after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  // eslint-disable-next-line no-await-in-loop -- polling: the condition is read again only after the pause below
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    // eslint-disable-next-line no-await-in-loop -- polling: a 25 ms pause between two reads of the condition
    await new Promise((resolve) => {
      setTimeout(resolve, 25)
    })
  }
}

/**
 * Samples a child's peak resident memory (VmHWM, in MiB) from /proc until it exits. Use as
 * `onSpawn`; read `peakMiB` after the run.
 */
export function memoryProbe(): {onSpawn: CliOptions['onSpawn']; readonly peakMiB: number} {
  let peakKiB = 0
  return {
    onSpawn(child) {
      const timer = setInterval(() => {
        try {
          const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
          const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0)
          if (kib > peakKiB) peakKiB = kib
        } catch {
          // Gone.
        }
      }, 10)
      child.once('exit', () => clearInterval(timer))
    },
    get peakMiB() {
      return Math.round(peakKiB / 1024)
    },
  }
}

/** The command line of a running process (NUL-separated in /proc), as arguments. */
export function processArguments(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  } catch {
    return []
  }
}

/** The local servers a suite starts, all closed by `closeAll()` in its `after` hook. */
export function serverPool(): {serve: typeof startServer; closeAll: () => Promise<void>} {
  const servers: LocalServer[] = []
  return {
    async serve(...args) {
      const server = await startServer(...args)
      servers.push(server)
      return server
    },
    async closeAll() {
      await Promise.all(servers.splice(0).map((server) => server.close()))
    },
  }
}
