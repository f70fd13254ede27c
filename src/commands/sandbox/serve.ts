import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {usageError} from '../../lib/errors.js'
import {startSandbox} from '../../lib/sandbox/index.js'
import {parseHttpUrl} from '../../lib/url.js'

/**
 * The last line of the `export KEY=value` block: once a reader sees it, every line above it has arrived.
 * It stays a plain assignment, not exported (nothing needs it in the environment), so scripts that wait
 * for `^IGNY8_SANDBOX_READY=1` keep working.
 */
const READY_LINE = 'IGNY8_SANDBOX_READY=1'

export default class SandboxServe extends BaseCommand<typeof SandboxServe> {
  static override summary = 'Run a local IGNY8-compatible backend for sync testing.'

  static override description = `Serves the IGNY8 API as the contract notes describe it (login, token refresh, sites, integrations, update-structure, content-types, sync_status), seeded with one demo account: an owner, a viewer, and N sites each with a WordPress integration. State is kept in memory, or in --state FILE so it survives restarts (tokens included).

Once listening it prints, on stdout, shell lines to source: \`export KEY=value\` (values with spaces are single-quoted), so after \`. ./sandbox.env\` the igny8 commands of that shell talk to the sandbox, as its owner (IGNY8_EMAIL and IGNY8_PASSWORD win over a profile's credentials): IGNY8_API_URL, IGNY8_SANDBOX_URL, IGNY8_EMAIL, IGNY8_PASSWORD, IGNY8_VIEWER_EMAIL, IGNY8_VIEWER_PASSWORD, then per site n SITE_<n>_ID, SITE_<n>_NAME, SITE_<n>_DOMAIN, SITE_<n>_API_KEY, SITE_<n>_INTEGRATION_ID, and last the line ${READY_LINE} (not exported): wait for that line, it means the server accepts requests. With --json it prints instead one single-line JSON object {"ready":true,"apiUrl",...,"sites":[...]}; that line is the ready signal. A human note goes to stderr.

It serves until SIGINT or SIGTERM, then closes every connection and exits 0. A port already in use exits 2.`

  static override examples = [
    {description: 'Start on the default port and keep state across restarts:', command: '<%= config.bin %> <%= command.id %> --state ./sandbox.json'},
    {description: 'Any free port, in a script: wait for the ready line, then export the variables (igny8 connect then logs in to the sandbox):', command: '<%= config.bin %> <%= command.id %> --port 0 > sandbox.env & until grep -q ^IGNY8_SANDBOX_READY=1 sandbox.env; do sleep 0.1; done; . ./sandbox.env'},
    {description: 'Take the other side of the documented conflicts:', command: '<%= config.bin %> <%= command.id %> --api-key-scheme apikey --refresh-path token-refresh --list-shape data-results'},
  ]

  static override flags = {
    host: Flags.string({description: 'Interface to listen on.', default: '127.0.0.1'}),
    port: Flags.integer({description: 'Port to listen on (0 = any free port).', default: 8787, min: 0, max: 65_535}),
    state: Flags.string({description: 'Keep state in this JSON file (loaded at start, saved after every change).', helpValue: 'FILE'}),
    sites: Flags.integer({description: 'Sites seeded in the demo account (only when the state is new).', default: 2, min: 0, max: 1000}),
    'wp-url': Flags.string({description: "WordPress URL of the sites' integrations; repeat to give each site its own (round-robin).", helpValue: 'URL', multiple: true}),
    'access-ttl': Flags.integer({description: 'Access token lifetime in seconds.', default: 900, min: 1, helpValue: 'SECONDS'}),
    'refresh-ttl': Flags.integer({description: 'Refresh token lifetime in seconds.', default: 604_800, min: 1, helpValue: 'SECONDS'}),
    'api-key-scheme': Flags.string({description: 'Authorization schemes accepted for site API keys.', options: ['both', 'bearer', 'apikey'], default: 'both'}),
    'refresh-path': Flags.string({description: 'Token refresh paths offered (auth/refresh/, auth/token/refresh/).', options: ['both', 'refresh', 'token-refresh'], default: 'both'}),
    'list-shape': Flags.string({description: 'Where lists keep their items: top-level results, data.results, or a bare data array.', options: ['top', 'data-results', 'data-array'], default: 'top'}),
    'page-size': Flags.integer({description: 'Default page size of lists.', default: 10, min: 1, max: 100}),
    'rate-limit': Flags.integer({description: 'Enforce this many API requests per minute (429 beyond); off by default.', min: 1, helpValue: 'N'}),
    control: Flags.boolean({description: 'Enable the /__sandbox/ test hooks (faults, request log, token expiry).', default: false, hidden: true}),
  }

  private stopRequested?: () => void

  public async run(): Promise<void> {
    const {flags} = this
    for (const url of flags['wp-url'] ?? []) parseHttpUrl(url, () => usageError(`--wp-url must be an http(s) URL, got "${url}".`))

    const {trace} = this
    const sandbox = await startSandbox({
      host: flags.host,
      port: flags.port,
      statePath: flags.state,
      control: flags.control,
      sites: flags.sites,
      wpUrls: flags['wp-url'],
      accessTtlSeconds: flags['access-ttl'],
      refreshTtlSeconds: flags['refresh-ttl'],
      apiKeySchemes: flags['api-key-scheme'] === 'bearer' ? ['Bearer'] : flags['api-key-scheme'] === 'apikey' ? ['ApiKey'] : ['Bearer', 'ApiKey'],
      refreshPaths: flags['refresh-path'] === 'refresh' ? ['auth/refresh/'] : flags['refresh-path'] === 'token-refresh' ? ['auth/token/refresh/'] : ['auth/refresh/', 'auth/token/refresh/'],
      listShape: flags['list-shape'] as 'top' | 'data-results' | 'data-array',
      pageSize: flags['page-size'],
      rateLimitPerMinute: flags['rate-limit'],
      onRequest: trace
        ? (entry) => {
            const query = Object.keys(entry.query).length > 0 ? `?${new URLSearchParams(entry.query)}` : ''
            const who = entry.authScheme ? ` [auth ${entry.authScheme}/${entry.authKind ?? 'rejected'}]` : ''
            trace(`${entry.method} ${entry.path}${query} → ${entry.status ?? entry.fault ?? '-'}${entry.fault ? ` (fault: ${entry.fault})` : ''}${who}`)
          }
        : undefined,
    })

    const stopped = new Promise<void>((resolve) => {
      this.stopRequested = resolve
    })
    const {credentials} = sandbox
    if (this.jsonEnabled()) {
      process.stdout.write(JSON.stringify({ready: true, apiUrl: sandbox.apiUrl, url: sandbox.url, ...credentials}) + '\n')
    } else {
      const lines: Array<[string, string | number | null]> = [
        ['IGNY8_API_URL', sandbox.apiUrl],
        ['IGNY8_SANDBOX_URL', sandbox.url],
        ['IGNY8_EMAIL', credentials.email],
        ['IGNY8_PASSWORD', credentials.password],
        ['IGNY8_VIEWER_EMAIL', credentials.viewerEmail],
        ['IGNY8_VIEWER_PASSWORD', credentials.viewerPassword],
      ]
      for (const [index, site] of credentials.sites.entries()) {
        const n = index + 1
        lines.push([`SITE_${n}_ID`, site.id], [`SITE_${n}_NAME`, site.name], [`SITE_${n}_DOMAIN`, site.domain], [`SITE_${n}_API_KEY`, site.apiKey], [`SITE_${n}_INTEGRATION_ID`, site.integrationId])
      }

      // Credentials are the point of this output, so they bypass redaction; they are demo values.
      // Exported: sourced without `set -a`, plain assignments would stay in the shell, and the next igny8 would log in to the default API URL.
      process.stdout.write(lines.map(([key, value]) => `export ${key}=${shellQuote(value)}`).join('\n') + `\n${READY_LINE}\n`)
      this.progress(`IGNY8 sandbox listening at ${sandbox.apiUrl} (${flags.state ? `state in ${flags.state}` : 'state in memory'}). Press Ctrl+C to stop.`)
    }

    await stopped
    await sandbox.close()
    this.progress('Sandbox stopped.')
  }

  /** SIGINT/SIGTERM: a clean stop (exit 0), not the base class's "interrupted" (130). */
  protected override interrupted(): void {
    if (this.stopRequested) this.stopRequested()
    // eslint-disable-next-line n/no-process-exit, unicorn/no-process-exit -- a signal before the server is up: nothing to close
    else process.exit(0)
  }
}

function shellQuote(value: string | number | null): string {
  const text = value === null ? '' : String(value)
  return /^[\w@%+=:,./-]*$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}
