/**
 * igny8's help (package.json oclif.helpClass): oclif's own, plus the exit codes at the end of the root
 * help (`igny8 --help`), and words that name no command answered like `igny8 strucutre` is (one line
 * with a suggestion, exit 2) instead of oclif's `Command strucutre not found.`.
 */
import {Errors, Help} from '@oclif/core'

import {ExitCode} from './lib/errors.js'
import {helpRequest, printUsageError} from './lib/unknown-command.js'

/** README "Exit codes", one phrase each. */
export const EXIT_CODE_HELP: ReadonlyArray<[number, string]> = [
  [ExitCode.ok, 'success'],
  [ExitCode.failure, 'the operation ran and found a failure (e.g. a required check failed)'],
  [ExitCode.usage, 'usage or input error (bad flag, URL or file, corrupt config)'],
  [ExitCode.notConnected, 'not connected: no profile, credentials or WordPress integration'],
  [ExitCode.auth, 'authentication rejected (401/403)'],
  [ExitCode.wordpress, 'WordPress problem: unreachable, not WordPress, no REST API'],
  [ExitCode.backend, 'IGNY8 backend problem: unreachable, 5xx or 429 after retries'],
  [ExitCode.unexpected, 'unexpected response: a shape the client cannot use'],
  [ExitCode.interrupted, 'interrupted'],
]

export default class Igny8Help extends Help {
  public override async showHelp(argv: string[]): Promise<void> {
    const helpFlags = ['--help', ...(this.config.pjson.oclif.additionalHelpFlags ?? [])]
    const request = helpRequest(argv, helpFlags, this.config)
    if ('error' in request) {
      await printUsageError(request.error, argv)
      Errors.exit(ExitCode.usage)
    }

    await super.showHelp(request.argv)
  }

  protected override async showRootHelp(): Promise<void> {
    await super.showRootHelp()
    this.log(this.section('EXIT CODES', EXIT_CODE_HELP.map(([code, meaning]) => [String(code), meaning])))
    this.log('')
  }
}
