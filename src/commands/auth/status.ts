import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {type AuthStatus, authStatus, failedStatus} from '../../lib/connection/auth-status.js'
import {formatDuration} from '../../lib/duration.js'
import {ExitCode, isCliError, notConnectedError, toCliError} from '../../lib/errors.js'
import {allowHttpFlag} from '../../lib/flags.js'

export default class AuthStatusCommand extends BaseCommand<typeof AuthStatusCommand> {
  static override summary = 'Show the profile, where its credentials come from, and whether the backend accepts them.'

  static override description = 'Exit 0 when the credentials are valid, 3 when not connected, 4 when the backend rejects them. An expired access token is refreshed (and saved) on the way.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --all --json']

  static override flags = {
    all: Flags.boolean({description: 'Check every stored profile.', default: false}),
    'allow-http': allowHttpFlag,
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
      const source = s.credentialSource ? ` (credentials from ${s.credentialSource === 'env' ? 'the environment' : 'the profile'})` : ''
      this.log(`Profile:       ${s.profile}`)
      this.log(`API URL:       ${s.apiUrl ?? '-'}`)
      this.log(`Auth:          ${s.authMethod === 'jwt' ? 'email + password (JWT)' : s.authMethod === 'api-key' ? 'site API key' : '-'}${source}`)
      if (s.user) this.log(`User:          ${s.user.email}`)
      this.log(`Site:          ${s.site ? `${s.site.name} (id ${s.site.id})` : '-'}`)
      this.log(`Integration:   ${s.integrationId ?? '-'}`)
      this.log(`WordPress:     ${s.wordpressUrl ?? '-'}${s.wpUser ? ` (user ${s.wpUser})` : ''}`)
      if (s.tokenExpiresAt) this.log(`Token expires: ${s.tokenExpiresAt} (${relative(s.tokenExpiresAt)})`)
      this.log(`Status:        ${s.valid ? 'valid' : `${s.error?.message ?? 'invalid'}`}`)
    }
  }
}

function relative(iso: string): string {
  const ms = Date.parse(iso) - Date.now()
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago; refreshed on next use`
}
