/**
 * Runs the built CLI (`node bin/run.js`) as a real process, the way users and pipelines do, with its
 * own config folder and a clean environment. Every output is kept so a suite can check, at the end,
 * that no secret ever appeared in any of them.
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

let defaultBin = BIN
/** What runCli and spawnSandbox run unless told otherwise: the development tree's bin/run.js, or an installed package's bin (IGNY8_TEST_INSTALLED=1, see test/root-hooks.ts). */
export const cliBin = (): string => defaultBin
export function useInstalledBin(bin: string): void {
  defaultBin = bin
}

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** stdout parsed as JSON (throws with the output when it is not exactly one JSON document). */
  json<T = any>(): T // eslint-disable-line @typescript-eslint/no-explicit-any -- as JSON.parse: the commands print many shapes, and each test reads the fields it checks
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv
  input?: string
  configDir?: string
  timeoutMs?: number
  /** The entry point to run (default: cliBin()). */
  bin?: string
  /** Working directory (default: the repository). */
  cwd?: string
  /** Called with the child right after spawn (to send signals). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void
}

/** Every stdout/stderr a test run has produced, for the leak check. */
export const allOutputs: string[] = []

export function tempConfigDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-e2e-'))
}

export interface ProcessRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface ProcessOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Written to stdin, which is then closed. */
  input?: string
  /** SIGKILL after this long (default: no limit). */
  timeoutMs?: number
  onSpawn?: CliOptions['onSpawn']
  /** Keep stdout and stderr for the leak check (default true). */
  keep?: boolean
}

/** Any process with its output collected: igny8 itself (runCli), a shell line, a script. */
export function runProcess(command: string, args: string[], options: ProcessOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd: options.cwd ?? ROOT, env: options.env, stdio: ['pipe', 'pipe', 'pipe']})
    options.onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (options.keep !== false) allOutputs.push(stdout, stderr)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.end(options.input ?? '')
  })
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
    OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
    IGNY8_CONFIG_DIR: options.configDir ?? tempConfigDir(),
    IGNY8_BACKOFF_LIMIT_MS: '50',
    ...options.env,
  }
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  const run = await runProcess(process.execPath, [options.bin ?? defaultBin, ...args], {
    cwd: options.cwd,
    env,
    input: options.input,
    timeoutMs: options.timeoutMs ?? 60_000,
    onSpawn: options.onSpawn,
  })
  return {
    ...run,
    json() {
      try {
        return JSON.parse(run.stdout)
      } catch {
        throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\n--- stderr:\n${run.stderr}`)
      }
    },
  }
}
