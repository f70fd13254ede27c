/**
 * Secrets never come as flag values: from stdin (`--*-stdin`), the environment, the stored profile, or a
 * hidden prompt when stdin is a terminal — in that order. Every secret read is registered for redaction.
 */
import readline from 'node:readline/promises'
import {Writable} from 'node:stream'

import {CliError, ExitCode} from '../errors.js'
import {registerSecret} from '../secrets.js'

/** What the functions here read from and write to; tests pass their own. */
export interface SecretIo {
  stdin: NodeJS.ReadableStream & {isTTY?: boolean}
  stderr: NodeJS.WritableStream & {isTTY?: boolean}
  env: NodeJS.ProcessEnv
}

const processIo = (): SecretIo => ({stdin: process.stdin, stderr: process.stderr, env: process.env})

let stdinConsumed = false

/** All of stdin, without its final newline. Stdin can be read once per process. */
export async function readStdin(what: string, io: SecretIo = processIo()): Promise<string> {
  if (stdinConsumed) {
    throw new CliError(`Only one secret can come from stdin; ${what} cannot.`, {
      code: 'stdin_reused',
      exitCode: ExitCode.usage,
      hint: 'Pass the other secret through its environment variable.',
    })
  }

  stdinConsumed = true
  // A terminal on stdin: ask without echo rather than read an echoed line until Ctrl-D.
  if (io.stdin.isTTY) return nonEmpty(await promptHidden(`Enter ${what}: `, io), what)
  const chunks: Buffer[] = []
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return nonEmpty(Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, ''), what)
}

function nonEmpty(value: string, what: string): string {
  if (value.trim() === '') {
    throw new CliError(`Nothing was read from stdin for ${what}.`, {
      code: 'empty_secret',
      exitCode: ExitCode.usage,
      hint: `Pipe it in, e.g. printf '%s' "$SECRET" | igny8 …`,
    })
  }

  return value
}

export interface SecretSource {
  /** Human name, e.g. "the WordPress application password". */
  what: string
  /** The `--*-stdin` flag was given. */
  stdinFlag?: boolean
  /** Same as `stdinFlag` (the name the first caller used). */
  fromStdin?: boolean
  envName: string
  /** The value kept in the profile, used when neither stdin nor the environment gave one. */
  stored?: string
  /** Prompt text for a terminal; no prompt when undefined. */
  prompt?: string
}

export interface SecretValue {
  value: string
  source: 'stdin' | 'env' | 'profile' | 'prompt'
  /** The environment gave a value that differs from the stored one (callers say so once). */
  overridesStored?: boolean
}

/** The secret from the first source that has one: stdin flag, environment, profile, hidden prompt. */
export async function readSecret(source: SecretSource, io: SecretIo = processIo()): Promise<SecretValue | undefined> {
  let found: SecretValue | undefined
  const envValue = io.env[source.envName]
  if (source.stdinFlag || source.fromStdin) found = {value: await readStdin(source.what, io), source: 'stdin'}
  else if (envValue) found = {value: envValue, source: 'env', overridesStored: source.stored !== undefined && source.stored !== envValue}
  else if (source.stored) found = {value: source.stored, source: 'profile'}
  else if (source.prompt && canPrompt(io)) found = {value: await promptHidden(source.prompt, io), source: 'prompt'}
  if (found) registerSecret(found.value)
  return found
}

export function canPrompt(io: SecretIo = processIo()): boolean {
  return Boolean(io.stdin.isTTY && io.stderr.isTTY) && !stdinConsumed
}

/** A question on the terminal (stderr), answered on stdin. */
export async function askLine(question: string, io: SecretIo = processIo()): Promise<string> {
  const rl = readline.createInterface({input: io.stdin, output: io.stderr, terminal: true})
  try {
    return await rl.question(question)
  } finally {
    rl.close()
  }
}

/** A question whose answer is not echoed. */
export async function promptHidden(question: string, io: SecretIo = processIo()): Promise<string> {
  const muted = new Writable({
    write(_chunk, _encoding, callback) {
      callback()
    },
  })
  io.stderr.write(question)
  const rl = readline.createInterface({input: io.stdin, output: muted, terminal: true})
  try {
    return await rl.question('')
  } finally {
    rl.close()
    io.stderr.write('\n')
  }
}

/** Test seam: lets a test read stdin more than once in one process. */
export function resetStdinForTests(): void {
  stdinConsumed = false
}
