/**
 * Runs when the words typed name no command: `igny8 strucutre gather` (a typo: the closest command is
 * suggested) or `igny8 structure gather extra-arg` (a stray argument after a command). One `Error:`
 * line and a `Hint:` (or `{"error": {...}}` under --json), exit 2; never a prompt, never a command the
 * user did not type. lib/unknown-command.ts says what and why.
 */
import type {Hook} from '@oclif/core'

import {ExitCode} from '../../lib/errors.js'
import {printUsageError, unknownCommandError} from '../../lib/unknown-command.js'

const hook: Hook.CommandNotFound = async function ({argv, config, id}) {
  // `igny8 --json` alone: oclif took the flag for the command id.
  await printUsageError(unknownCommandError(id, config), [id, ...(argv ?? [])])
  this.exit(ExitCode.usage)
}

export default hook
