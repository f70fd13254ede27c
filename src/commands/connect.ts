import {Flags} from '@oclif/core'

import type {Profile} from '../lib/config/profile-store.js'

import {BaseCommand} from '../base-command.js'
import {normalizeApiUrl} from '../lib/backend/client.js'
import {resolveApiUrl, resolveIntegrationId} from '../lib/connection/backend-context.js'
import {connect, type ConnectCredentials, type ConnectResult, type Reuse} from '../lib/connection/connect.js'
import {usageError} from '../lib/errors.js'
import {allowHttpFlag, apiUrlFlag, integrationFlag, timeoutFlags} from '../lib/flags.js'
import {askLine, canPrompt, readSecret} from '../lib/input/secret.js'
import {parseSiteUrl} from '../lib/wordpress/site-url.js'

export default class Connect extends BaseCommand<typeof Connect> {
  static override summary = 'Log in to IGNY8, pick the site, find its WordPress integration, and save it all in a profile.'

  static override description = `Log in with an email and password (JWT) or with a site API key. Secrets are read from stdin (--password-stdin, --api-key-stdin), the environment (IGNY8_PASSWORD, IGNY8_API_KEY) or a hidden prompt on a terminal; never from flag values.

With several sites, pass --site (an id, domain or name); a terminal asks. The profile (file mode 0600) keeps tokens, which are refreshed when they expire.

Connecting a profile again (after its session expired, or after logout) keeps what it holds: the API URL, the email (or that it uses a site API key), the site, the integration and the WordPress URL and user. Only the secret is needed then — from stdin, the environment, or a prompt on a terminal. Flags and the environment still choose otherwise.`

  static override examples = [
    {description: 'Log in with a password read from stdin', command: "printf '%s' \"$IGNY8_PASSWORD\" | <%= config.bin %> <%= command.id %> --email ops@example.com --password-stdin --site example.com"},
    {description: 'Connect with the site API key the WordPress plugin uses', command: "printf '%s' \"$SITE_KEY\" | <%= config.bin %> <%= command.id %> --api-key-stdin --profile shop"},
    {description: 'Log profile "ci" in again after its session expired: only the password is new', command: "printf '%s' \"$IGNY8_PASSWORD\" | <%= config.bin %> <%= command.id %> --profile ci --password-stdin"},
    {description: 'Also keep WordPress application-password credentials', command: "<%= config.bin %> <%= command.id %> --email ops@example.com --wp-user admin --wp-app-password-stdin < app-password.txt"},
  ]

  static override flags = {
    'api-url': apiUrlFlag,
    email: Flags.string({description: 'Email to log in with (env IGNY8_EMAIL).', helpValue: 'EMAIL'}),
    'password-stdin': Flags.boolean({description: 'Read the password from stdin.', default: false, exclusive: ['api-key-stdin']}),
    'api-key-stdin': Flags.boolean({description: 'Read a site API key from stdin (instead of email + password).', default: false, exclusive: ['email', 'password-stdin']}),
    site: Flags.string({description: 'Site id, domain or name (env IGNY8_SITE).', helpValue: 'ID|DOMAIN|NAME'}),
    integration: integrationFlag,
    'wp-url': Flags.string({description: 'WordPress URL (env IGNY8_WP_URL; default: what the backend knows).', helpValue: 'URL'}),
    'wp-user': Flags.string({description: 'WordPress user for application-password auth (env IGNY8_WP_USER).', helpValue: 'USER'}),
    'wp-app-password-stdin': Flags.boolean({description: 'Read the WordPress application password from stdin.', default: false}),
    'allow-http': allowHttpFlag,
    ...timeoutFlags,
  }

  public async run(): Promise<ConnectResult> {
    const {flags} = this
    const store = await this.store()
    const previous = store.get(flags.profile)
    const apiUrl = resolveApiUrl(flags['api-url'], previous, (m) => this.notice(m))
    // The profile's login, site and integration count only for the backend it was made with.
    const sameBackend = previous?.apiUrl !== undefined && sameUrl(previous.apiUrl, apiUrl)
    const credentials = await this.credentials(sameBackend ? previous : undefined)
    const wpUrl = this.setting('WordPress URL', {flag: flags['wp-url'], env: 'IGNY8_WP_URL', stored: undefined}).value
    if (wpUrl !== undefined) parseSiteUrl(wpUrl)

    const wpUser = this.setting('WordPress user', {flag: flags['wp-user'], env: 'IGNY8_WP_USER'}).value
    const wpAppPassword = await readSecret({
      what: 'the WordPress application password',
      fromStdin: flags['wp-app-password-stdin'],
      envName: 'IGNY8_WP_APP_PASSWORD',
      prompt: flags['wp-user'] ? `WordPress application password for ${flags['wp-user']}: ` : undefined,
    })
    if (wpAppPassword && !wpUser) throw usageError('A WordPress application password needs --wp-user (or IGNY8_WP_USER).')

    // The stored integration is not forced: it is preferred (reuse) when the site is the profile's and still has it.
    const integrationId = resolveIntegrationId(flags.integration, undefined, (m) => this.notice(m))

    const {profile, result} = await this.spin('Connecting to IGNY8', async () =>
      connect(flags.profile, {
        apiUrl,
        credentials,
        siteQuery: this.setting('site', {flag: flags.site, env: 'IGNY8_SITE'}).value,
        integrationId,
        wordpressUrl: wpUrl,
        wpUser,
        wpAppPassword: wpAppPassword?.value,
        allowHttp: flags['allow-http'],
        previous,
        reuse: sameBackend ? reuseOf(previous, credentials) : undefined,
        http: this.httpSettings(),
        ask: canPrompt() ? async (question) => this.pauseSpinner(() => askLine(question)) : undefined,
        progress: (m) => this.progress(m),
      }),
    )
    await store.update(flags.profile, () => profile)

    this.log(`Connected profile "${result.profile}" to ${result.apiUrl}`)
    this.log(`  Auth:         ${result.authMethod === 'jwt' ? `email + password (${result.user?.email ?? ''})` : 'site API key'}`)
    this.log(`  Site:         ${result.site.name} (id ${result.site.id}${result.site.domain ? `, ${result.site.domain}` : ''})`)
    this.log(`  Integration:  ${result.integrationId}${result.integration.active === false ? ' (inactive)' : ''}`)
    this.log(`  WordPress:    ${result.wordpressUrl ?? '(unknown: pass --wp-url)'}`)
    this.log(`  Saved in:     ${store.file}`)
    if (result.integration.active === false) this.notice(`Integration ${result.integrationId} is inactive in IGNY8; syncs will not run until it is activated.`)
    return result
  }

  /**
   * Email + password or a site API key: flags, then the environment, then what the profile used before
   * (its email, or that it is a key profile), so connecting a profile again asks for the secret only.
   */
  private async credentials(previous: Profile | undefined): Promise<ConnectCredentials> {
    const {flags} = this
    const email = this.setting('email', {flag: flags.email, env: 'IGNY8_EMAIL'}).value
    const chosen = Boolean(email) || flags['password-stdin']
    const wantsKey = flags['api-key-stdin'] || (!chosen && (Boolean(process.env.IGNY8_API_KEY) || previous?.authMethod === 'api-key'))
    if (wantsKey) {
      const key = await readSecret({what: 'the site API key', fromStdin: flags['api-key-stdin'], envName: 'IGNY8_API_KEY', prompt: 'Site API key: '})
      if (!key) throw usageError('No site API key: pipe it to --api-key-stdin or set IGNY8_API_KEY.')
      return {kind: 'api-key', key: key.value.trim()}
    }

    let login = email ?? (previous?.authMethod === 'jwt' ? previous.user?.email : undefined)
    if (!login && canPrompt() && !flags['password-stdin']) login = (await askLine('IGNY8 email: ')).trim()
    if (!login) {
      throw usageError(
        'No credentials given.',
        'Use --email with --password-stdin (or IGNY8_EMAIL and IGNY8_PASSWORD), or --api-key-stdin (or IGNY8_API_KEY).',
        'missing_credentials',
      )
    }

    const password = await readSecret({
      what: 'the IGNY8 password',
      fromStdin: flags['password-stdin'],
      envName: 'IGNY8_PASSWORD',
      prompt: `Password for ${login}: `,
    })
    if (!password) throw usageError(`No password for ${login}.`, 'Pipe it to --password-stdin or set IGNY8_PASSWORD.', 'missing_credentials')
    return {kind: 'password', email: login, password: password.value}
  }
}

/**
 * What a new login keeps from the profile it replaces: its site, integration and WordPress URL — when the
 * login is the same kind and, for email + password, the same user (another user may not see that site).
 */
function reuseOf(previous: Profile | undefined, credentials: ConnectCredentials): Reuse | undefined {
  if (!previous?.site) return undefined
  const same =
    credentials.kind === 'api-key'
      ? previous.authMethod === 'api-key'
      : previous.authMethod === 'jwt' && previous.user?.email.toLowerCase() === credentials.email.toLowerCase()
  return same ? {siteId: previous.site.id, integrationId: previous.integrationId, wordpressUrl: previous.wordpressUrl} : undefined
}

function sameUrl(stored: string, apiUrl: string): boolean {
  try {
    return normalizeApiUrl(stored) === apiUrl
  } catch {
    return false
  }
}
