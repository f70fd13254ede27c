import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {type AuthStatus, authStatus, type AuthStatusSources, failedStatus} from '../../lib/connection/auth-status.js'
import {formatDuration} from '../../lib/duration.js'
import {ExitCode, isCliError, notConnectedError, toCliError} from '../../lib/errors.js'
import {allowHttpFlag, timeoutFlags} from '../../lib/flags.js'

export default class AuthStatusCommand extends BaseCommand<typeof AuthStatusCommand> {
  static override summary = 'Show the profile, where its credentials come from, and whether the backend accepts them.'

  static override description = `Shows what a command of this profile would use now, and where each value comes from: a flag, the environment (named) or the profile. Credentials from the environment win over the profile's: a site API key in IGNY8_API_KEY is shown with its own site, as IGNY8 lists it, and no user; IGNY8_INTEGRATION_ID, IGNY8_WP_URL and IGNY8_WP_USER replace the stored values. --json adds the same as "sources".

Exit 0 when the credentials are valid, 3 when not connected, 4 when the backend rejects them. An expired access token is refreshed (and saved) on the way.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --all --json']

  static override flags = {
    all: Flags.boolean({description: 'Check every stored profile.', default: false}),
    'allow-http': allowHttpFlag,
    ...timeoutFlags,
  }

  public async run(): Promise<AuthStatus | AuthStatus[]> {
    const store = await this.store()
    const options = {http: this.httpSettings(), allowHttp: this.flags['allow-http'], notice: (m: string) => this.notice(m)}
    if (!this.flags.all) {
      const status = await this.spin('Checking credentials', () => authStatus(store, this.flags.profile, options))
      this.print([status])
      return status
    }

    const names = Object.keys(store.list()).sort()
    if (names.length === 0) throw notConnectedError(`No profiles are stored in ${store.file}.`)

    const statuses = await this.spin('Checking credentials', () =>
      Promise.all(
        names.map(async (name) => {
          try {
            return await authStatus(store, name, options)
          } catch (error) {
            if (!isCliError(error) && !(error instanceof Error)) throw error
            return failedStatus(store, name, toCliError(error))
          }
        }),
      ),
    )
    this.print(statuses)
    const codes = statuses.map((s) => s.error?.exitCode ?? 0)
    const worst = codes.includes(ExitCode.auth) ? ExitCode.auth : (codes.find((c) => c !== 0) ?? 0)
    this.exitAfterOutput(worst)
    return statuses
  }

  private print(statuses: AuthStatus[]): void {
    for (const [index, s] of statuses.entries()) {
      if (index > 0) this.log('')
      const {sources} = s
      const credentials = credentialsFrom(s)
      this.log(`Profile:       ${s.profile}`)
      this.log(`API URL:       ${s.apiUrl ?? '-'}${from(sources.apiUrl, 'IGNY8_API_URL', '--api-url')}`)
      this.log(`Auth:          ${s.authMethod === 'jwt' ? 'email + password (JWT)' : s.authMethod === 'api-key' ? 'site API key' : '-'}${credentials ? ` (credentials from ${credentials})` : ''}`)
      if (s.user) this.log(`User:          ${s.user.email}${from(sources.user, 'IGNY8_EMAIL')}`)
      const site = sources.site === 'backend' ? 'the site of IGNY8_API_KEY' : sources.site
      this.log(`Site:          ${s.site ? `${s.site.name} (id ${s.site.id}${site ? `; ${site}` : ''})` : '-'}`)
      this.log(`Integration:   ${s.integrationId ?? '-'}${from(sources.integrationId, 'IGNY8_INTEGRATION_ID', '--integration')}`)
      const wpUser = s.wpUser ? `, user ${s.wpUser}${from(sources.wpUser, 'IGNY8_WP_USER', '--wp-user')}` : ''
      this.log(`WordPress:     ${s.wordpressUrl ?? '-'}${from(sources.wordpressUrl, 'IGNY8_WP_URL', '--wp-url')}${wpUser}`)
      if (s.tokenExpiresAt) this.log(`Token expires: ${s.tokenExpiresAt} (${relative(s.tokenExpiresAt)})`)
      this.log(`Status:        ${s.valid ? 'valid' : `${s.error?.message ?? 'invalid'}`}`)
    }
  }
}

/** Where the credentials came from, in words: the variables, or the profile. */
function credentialsFrom(s: AuthStatus): string | undefined {
  if (s.sources.credentials === 'profile') return 'the profile'
  if (s.sources.credentials === 'env') return s.authMethod === 'api-key' ? 'IGNY8_API_KEY' : 'IGNY8_EMAIL and IGNY8_PASSWORD'
  return undefined
}

/** ` (IGNY8_INTEGRATION_ID)`, ` (profile)`, ` (default)`: where a shown value came from. */
function from(source: AuthStatusSources[keyof AuthStatusSources], envName: string, flag?: string): string {
  if (!source) return ''
  return ` (${source === 'env' ? envName : source === 'flag' ? (flag ?? 'flag') : source})`
}

function relative(iso: string): string {
  const ms = Date.parse(iso) - Date.now()
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago; refreshed on next use`
}
