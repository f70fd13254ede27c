/**
 * What igny8 says when the words typed are not a command: the command_not_found hook and the help
 * class (`igny8 strucutre --help`) both end here. With topicSeparator " " oclif joins the leading words
 * into an id (`structure:gather:extra-arg`) and calls command_not_found when no command has that id, so
 * one id means either a typo (suggest the closest command, as @oclif/plugin-not-found does, by
 * edit distance over the command ids, shown with spaces) or a valid command followed by a stray
 * argument (a usage error naming that command). Never a prompt, never a command the user did not type:
 * one `Error:` line and a `Hint:`, exit 2, or `{"error": {...}}` on stdout under --json.
 */
import {CliError, usageError} from './errors.js'
import {redact} from './secrets.js'

/** The part of oclif's Config this needs (structural, so a test can hand in a small catalog). */
export interface CommandCatalog {
  bin: string
  commands: ReadonlyArray<{id: string; hidden?: boolean; aliases?: string[]; hiddenAliases?: string[]}>
  topics: ReadonlyArray<{name: string; hidden?: boolean}>
  findCommand(id: string): {args?: Record<string, unknown>; strict?: boolean} | undefined
  findTopic(id: string): unknown
}

const spaced = (id: string): string => id.replaceAll(':', ' ')

/** The error for the words oclif found no command for (`id` as oclif has it: words joined by ':'). */
export function unknownCommandError(id: string, catalog: CommandCatalog): CliError {
  const {bin} = catalog
  if (id.startsWith('-')) {
    // `igny8 --profile x auth status`: oclif only reads flags after the command. What follows "=" may be a secret.
    const flag = id.replace(/=[\s\S]*$/, '=***')
    return usageError(`"${flag}" is not a command: flags go after the command (${bin} COMMAND ${flag}).`, `${bin} --help lists the commands.`, 'unknown_command')
  }

  const words = id.split(':')
  const known = commandPrefix(words, catalog)
  if (known > 0) {
    const command = words.slice(0, known).join(' ')
    const extra = words.slice(known)
    const args = extra.map((word) => `"${word}"`).join(', ')
    const loaded = catalog.findCommand(words.slice(0, known).join(':'))
    const takesArgs = loaded?.strict === false || Object.keys(loaded?.args ?? {}).length > 0
    return usageError(
      `Unexpected argument${extra.length === 1 ? '' : 's'} ${args} for "${command}".`,
      takesArgs ? `See ${bin} ${command} --help.` : `${bin} ${command} takes only flags: see ${bin} ${command} --help.`,
    )
  }

  const suggestion = closestCommand(id, catalog)
  const topic = words.length > 1 && catalog.findTopic(words[0]!) ? words[0] : undefined
  return usageError(
    `Unknown command "${spaced(id)}".${suggestion ? ` Did you mean "${spaced(suggestion)}"?` : ''}`,
    topic ? `${bin} ${topic} --help lists its commands.` : `${bin} --help lists the commands.`,
    'unknown_command',
  )
}

/**
 * What `--help` shows for the words typed (help flags and the word `help` aside, up to the first flag):
 * a command or topic as oclif would; a command followed by stray words, that command's help; words
 * that name nothing, the unknown-command error instead of oclif's `Command … not found.`
 */
export function helpRequest(argv: readonly string[], helpFlags: readonly string[], catalog: CommandCatalog): {argv: string[]} | {error: CliError} {
  const words: string[] = []
  for (const arg of argv) {
    if (helpFlags.includes(arg) || arg === 'help') continue
    if (arg.startsWith('-')) break
    words.push(arg)
  }

  const id = words.join(':')
  if (words.length === 0 || catalog.findCommand(id) || catalog.findTopic(id)) return {argv: [...argv]}
  const known = commandPrefix(words, catalog)
  return known > 0 ? {argv: words.slice(0, known)} : {error: unknownCommandError(id, catalog)}
}

/** How many leading words name a command (0: none does). */
export function commandPrefix(words: readonly string[], catalog: CommandCatalog): number {
  for (let length = words.length - 1; length > 0; length--) {
    if (catalog.findCommand(words.slice(0, length).join(':'))) return length
  }

  return 0
}

/**
 * The visible command or topic closest to what was typed, or undefined when nothing is close. The
 * whole id is compared with each name, as oclif's plugin-not-found does; besides, a command of several
 * words with as many typed words (one more edit: `strucutre gather extra` → structure gather), and one
 * typed word with the last word of longer ids (`igny8 gather` → structure gather). Aliases count, and
 * lead to the command they stand for.
 */
export function closestCommand(typed: string, catalog: CommandCatalog): string | undefined {
  const words = typed.split(':')
  const candidates: Array<{name: string; id: string}> = [
    ...catalog.commands.filter((command) => !command.hidden).flatMap((command) => [command.id, ...(command.aliases ?? []), ...(command.hiddenAliases ?? [])].map((name) => ({name, id: command.id}))),
    ...catalog.topics.filter((topic) => !topic.hidden).map((topic) => ({name: topic.name, id: topic.name})),
  ]
  let best: {id: string; distance: number} | undefined
  for (const {name, id} of candidates) {
    const parts = name.split(':')
    const compared: Array<[string, string, number]> = [[typed, name, 0]]
    if (parts.length > 1 && words.length > parts.length) compared.push([words.slice(0, parts.length).join(':'), name, 1])
    if (words.length === 1 && parts.length > 1) compared.push([typed, parts.at(-1)!, 0])
    for (const [mine, theirs, extra] of compared) {
      const distance = editDistance(mine, theirs) + extra
      if (distance <= Math.max(1, Math.floor(theirs.length / 3)) && (!best || distance < best.distance)) best = {id, distance}
    }
  }

  return best?.id
}

/**
 * Edit distance: insertions, deletions, substitutions (Levenshtein, as @oclif/plugin-not-found
 * measures) and swaps of two neighbouring letters (`strucutre`, `hlep`: the commonest typo, one edit).
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({length: b.length + 1}, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1]!
      let distance = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, rows[i - 2]![j - 2]! + 1)
      row[j] = distance
    }

    rows.push(row)
  }

  return rows[a.length]![b.length]!
}

/**
 * Prints a usage error the way every igny8 command does (BaseCommand.catch): `Error:` and `Hint:` on
 * stderr, or `{"error": {...}}` on stdout when the words typed include --json. The caller exits.
 */
export async function printUsageError(error: CliError, argv: readonly string[]): Promise<void> {
  const end = argv.indexOf('--')
  const flags = end === -1 ? argv : argv.slice(0, end)
  if (flags.includes('--json')) {
    process.stdout.write(redact(JSON.stringify({error: error.toJSON()}, null, 2)) + '\n')
    // The process exits right after: let a pipe take the whole document first.
    if (process.stdout.writableLength > 0) {
      await new Promise<void>((resolve) => {
        process.stdout.once('drain', resolve)
        process.stdout.once('close', resolve)
      })
    }

    return
  }

  // Colour as BaseCommand has it: only on a terminal, never with --no-color or NO_COLOR.
  const color = !flags.includes('--no-color') && process.env.NO_COLOR === undefined && Boolean(process.stderr.isTTY)
  const paint = (code: number, off: number, text: string): string => (color ? `\u001B[${code}m${text}\u001B[${off}m` : text)
  process.stderr.write(`${paint(31, 39, 'Error:')} ${redact(error.message)}\n`)
  if (error.hint) process.stderr.write(`${paint(2, 22, 'Hint:')} ${redact(error.hint)}\n`)
}
