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

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? defaultBin, ...args], {cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe']})
    options.onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      allOutputs.push(stdout, stderr)
      resolve({
        code,
        signal,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout)
          } catch {
            throw new Error(`stdout is not one JSON document (exit ${code}):\n${stdout}\n--- stderr:\n${stderr}`)
          }
        },
      })
    })
    child.stdin.end(options.input ?? '')
  })
}
