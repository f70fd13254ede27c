import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {logout} from '../../lib/connection/auth-status.js'

export default class AuthLogout extends BaseCommand<typeof AuthLogout> {
  static override summary = 'Remove the stored secrets (tokens, API key, WordPress application password) of the profile.'

  static override description = 'Non-secret settings (API URL, site, integration, WordPress URL) are kept, so `igny8 connect` can log in again quickly.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --all']

  static override flags = {
    all: Flags.boolean({description: 'Log out of every stored profile.', default: false}),
  }

  public async run(): Promise<{loggedOut: string[]}> {
    const store = await this.store()
    const names = this.flags.all ? Object.keys(store.list()) : [this.flags.profile]
    const loggedOut = await logout(store, names)
    if (loggedOut.length === 0) this.log(this.flags.all ? 'No profiles are stored.' : `There is no profile "${this.flags.profile}"; nothing to do.`)
    else this.log(`Removed the stored secrets of ${loggedOut.map((n) => `"${n}"`).join(', ')}.`)
    return {loggedOut}
  }
}
