import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {resolveApiUrl, resolveIntegrationId} from '../lib/connection/backend-context.js'
import {connect, type ConnectCredentials, type ConnectResult} from '../lib/connection/connect.js'
import {usageError} from '../lib/errors.js'
import {allowHttpFlag, apiUrlFlag, integrationFlag} from '../lib/flags.js'
import {askLine, canPrompt, readSecret} from '../lib/input/secret.js'
import {parseSiteUrl} from '../lib/wordpress/site-url.js'

export default class Connect extends BaseCommand<typeof Connect> {
  static override summary = 'Log in to IGNY8, pick the site, find its WordPress integration, and save it all in a profile.'

  static override description = `Log in with an email and password (JWT) or with a site API key. Secrets are read from stdin (--password-stdin, --api-key-stdin), the environment (IGNY8_PASSWORD, IGNY8_API_KEY) or a hidden prompt on a terminal; never from flag values.

With several sites, pass --site (an id, domain or name); a terminal asks. The profile (file mode 0600) keeps tokens, which are refreshed when they expire.`

  static override examples = [
    {description: 'Log in with a password read from stdin', command: "printf '%s' \"$IGNY8_PASSWORD\" | <%= config.bin %> <%= command.id %> --email ops@example.com --password-stdin --site example.com"},
    {description: 'Connect with the site API key the WordPress plugin uses', command: "printf '%s' \"$SITE_KEY\" | <%= config.bin %> <%= command.id %> --api-key-stdin --profile shop"},
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
  }

  public async run(): Promise<ConnectResult> {
    const {flags} = this
    const store = await this.store()
    const previous = store.get(flags.profile)
    const apiUrl = resolveApiUrl(flags['api-url'], previous, (m) => this.notice(m))

    const credentials = await this.credentials()
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

    // connect chooses afresh: the stored integration is not a default here.
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

  private async credentials(): Promise<ConnectCredentials> {
    const {flags} = this
    const email = this.setting('email', {flag: flags.email, env: 'IGNY8_EMAIL'}).value
    const wantsKey = flags['api-key-stdin'] || (!email && Boolean(process.env.IGNY8_API_KEY))
    if (wantsKey) {
      const key = await readSecret({what: 'the site API key', fromStdin: flags['api-key-stdin'], envName: 'IGNY8_API_KEY'})
      if (!key) throw usageError('No site API key: pipe it to --api-key-stdin or set IGNY8_API_KEY.')
      return {kind: 'api-key', key: key.value.trim()}
    }

    let login = email
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
