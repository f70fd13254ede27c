/**
 * The one error type of igny8. Every failure a user can meet is a CliError carrying the exit code of
 * the spec, a stable machine code, one clear message, and (when known) a hint and the backend's request id.
 * Nothing here may hold a secret: messages are built from URLs, slugs and server error texts only.
 * toCliError() is the one place where anything thrown (oclif's usage errors included) becomes a CliError.
 */
import {Errors} from '@oclif/core'
import {stripVTControlCharacters} from 'node:util'

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notConnected: 3,
  auth: 4,
  wordpress: 5,
  backend: 6,
  unexpected: 7,
  interrupted: 130,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface CliErrorOptions {
  code: string
  exitCode: ExitCodeValue
  hint?: string
  requestId?: string
  cause?: unknown
}

export class CliError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly hint?: string
  readonly requestId?: string

  constructor(message: string, options: CliErrorOptions) {
    super(message, {cause: options.cause})
    this.name = 'CliError'
    this.code = options.code
    this.exitCode = options.exitCode
    this.hint = options.hint
    this.requestId = options.requestId
  }

  toJSON(): {code: string; message: string; exitCode: number; hint?: string; requestId?: string} {
    return {
      code: this.code,
      message: this.message,
      exitCode: this.exitCode,
      ...(this.hint ? {hint: this.hint} : {}),
      ...(this.requestId ? {requestId: this.requestId} : {}),
    }
  }
}

export const usageError = (message: string, hint?: string, code = 'usage'): CliError =>
  new CliError(message, {code, exitCode: ExitCode.usage, hint})

export const notConnectedError = (message: string, hint = 'Run `igny8 connect` first.', code = 'not_connected'): CliError =>
  new CliError(message, {code, exitCode: ExitCode.notConnected, hint})

export const isCliError = (error: unknown): error is CliError => error instanceof CliError

/**
 * Maps anything thrown into a CliError: oclif's usage errors are exit 2 with oclif's words (minus its
 * "See more help" line); unknown errors are internal (exit 1) with a hint to report them.
 */
export function toCliError(error: unknown): CliError {
  if (isCliError(error)) return error
  const err = error as Error & {oclif?: {exit?: number}; parse?: unknown}
  if (err && (isParseError(err) || err.parse !== undefined || err.oclif?.exit === 2)) {
    const lines = String(err.message).split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('See more help'))
    let message = lines.join(' ')
    // dependsOn / exclusive / exactlyOne …: "The following error occurred:" and one reason a line.
    if (lines.length > 1 && /^The following errors? occurred:$/.test(lines[0]!)) message = flagRelationMessage(lines.slice(1))
    // `--password=…` is not a flag (secrets never are), but what follows "=" may well be the secret.
    const unknown = nonExistentFlags(err)
    if (unknown) {
      message = `Nonexistent flag${unknown.length === 1 ? '' : 's'}: ${unknown.map((flag) => String(flag).replace(/=[\s\S]*$/, '=***')).join(', ')}`
    }

    return new CliError(message || 'Invalid usage.', {code: 'usage', exitCode: ExitCode.usage, hint: 'See --help for usage.', cause: error})
  }

  return new CliError(`Unexpected internal error: ${err?.message ?? String(error)}`, {
    code: 'internal',
    exitCode: ExitCode.failure,
    hint: 'Re-run with --debug and report the trace.',
    cause: error,
  })
}

/**
 * oclif's reasons for a flag used without the flags it needs, or with flags it excludes, in the CLI's
 * words: `--concurrency needs --all-sites.`, `--all-sites cannot be used with --site.` (never the value
 * given: it may be anything). Flags that need the same flags are named together; a reason oclif words
 * differently one day is kept as it is.
 */
function flagRelationMessage(reasons: string[]): string {
  const needs = new Map<string, string[]>()
  const sentences: string[] = []
  const pairs = new Set<string>()
  for (const reason of reasons.map((line) => stripVTControlCharacters(line).trim())) {
    let match: RegExpExecArray | null
    if ((match = /^All of the following must be provided when using (--[\w-]+): (.+)$/.exec(reason))) {
      const wanted = listOf(match[2]!, 'and')
      needs.set(wanted, [...(needs.get(wanted) ?? []), match[1]!])
    } else if ((match = /^(--[\w-]+)(?:=[\s\S]*)? cannot also be provided when using (--[\w-]+)$/.exec(reason))) {
      // exactlyOne reports a pair from both sides: once is enough.
      const pair = [match[1], match[2]].sort().join(' ')
      if (!pairs.has(pair)) sentences.push(`${match[2]} cannot be used with ${match[1]}.`)
      pairs.add(pair)
    } else if ((match = /^Exactly one of the following must be provided: (.+)$/.exec(reason))) {
      sentences.push(`Give exactly one of ${listOf(match[1]!, 'or')}.`)
    } else if ((match = /^At least one of the following must be provided: (.+)$/.exec(reason))) {
      sentences.push(`Give at least one of ${listOf(match[1]!, 'or')}.`)
    } else if ((match = /^One of the following must be provided when using (--[\w-]+): (.+)$/.exec(reason))) {
      sentences.push(`${match[1]} needs ${listOf(match[2]!, 'or')}.`)
    } else if ((match = /^Only the following can be provided when using (--[\w-]+): (.+)$/.exec(reason))) {
      sentences.push(`${match[1]} can only be used with ${listOf(match[2]!, 'and')}.`)
    } else if ((match = /^Missing required flag ([\w-]+)$/.exec(reason))) {
      sentences.push(`--${match[1]} is required.`)
    } else {
      sentences.push(/[.!?]$/.test(reason) ? reason : `${reason}.`)
    }
  }

  const needed = [...needs].map(([wanted, flags]) => `${listOf(flags.join(', '), 'and')} ${flags.length === 1 ? 'needs' : 'need'} ${wanted}.`)
  return [...needed, ...sentences].join(' ')
}

/** "--a, --b, --c" → "--a, --b and --c". */
function listOf(commaSeparated: string, word: 'and' | 'or'): string {
  const items = commaSeparated.split(',').map((item) => item.trim()).filter(Boolean)
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1)}` : (items[0] ?? '')
}

/**
 * oclif's parser errors (CLIParseError and its subclasses: NonExistentFlagsError, RequiredArgsError,
 * FailedFlagValidationError …) are not exported by @oclif/core; all of them are its exported CLIError
 * with the `parse` field the parser sets. By type and field, never by class name: a minified build
 * renames classes.
 */
function isParseError(error: unknown): error is Errors.CLIError & {parse: unknown} {
  return error instanceof Errors.CLIError && 'parse' in error
}

/** The unknown flags of oclif's NonExistentFlagsError, the only parser error that carries `flags`. */
function nonExistentFlags(error: unknown): unknown[] | undefined {
  if (!isParseError(error)) return undefined
  const {flags} = error as {flags?: unknown}
  return Array.isArray(flags) ? flags : undefined
}
