/**
 * The base of every igny8 command: the global flags, flag > env > profile > default resolution with a
 * notice when the environment overrides a stored value, the profile store, warnings (stderr, or the
 * result's `warnings` under --json), a TTY-only spinner, and the one place where errors become an exit
 * code plus one clear line (or `{"error": {...}}` under --json; lib/errors.ts's toCliError maps them).
 */
import {Command, Flags, Interfaces, ux} from '@oclif/core'
import chalk from 'chalk'

import type {RunGatherContext} from './lib/structure/run-gather.js'

import {type Profile, ProfileStore} from './lib/config/profile-store.js'
import {type BackendContext, openBackend} from './lib/connection/backend-context.js'
import {parseDurationSetting} from './lib/duration.js'
import {ExitCode, isCliError, toCliError} from './lib/errors.js'
import {defaultHttpSettings, type HttpSettings} from './lib/http/http-client.js'
import {redact} from './lib/secrets.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export type SettingSource = 'flag' | 'env' | 'profile' | 'default'
export interface Setting<T> {
  value: T
  source: SettingSource
}

let signalsHooked = false
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command, whatever its flags
let activeCommand: BaseCommand<any> | undefined

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    profile: Flags.string({
      description: 'Profile to use.',
      env: 'IGNY8_PROFILE',
      default: 'default',
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({
      description: 'Trace HTTP requests on stderr; secrets are masked.',
      env: 'IGNY8_DEBUG',
      default: false,
      helpGroup: 'GLOBAL',
    }),
    'no-color': Flags.boolean({
      description: 'Disable colour (also NO_COLOR).',
      default: false,
      helpGroup: 'GLOBAL',
    }),
  }

  static override enableJsonFlag = true

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  protected readonly warnings: string[] = []
  private pendingExit = 0
  private storePromise?: Promise<ProfileStore>

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    if (this.flags['no-color'] || process.env.NO_COLOR !== undefined || !process.stderr.isTTY) chalk.level = 0
    // eslint-disable-next-line @typescript-eslint/no-this-alias, unicorn/no-this-assignment -- the process-wide signal handlers (set once) stop the command that runs
    activeCommand = this
    if (!signalsHooked) {
      signalsHooked = true
      // Persistent, not once: atomically (used by conf) re-raises the signal after its own cleanup, and
      // that second delivery must reach us again instead of killing the process by default.
      process.on('SIGINT', () => activeCommand?.interrupted())
      process.on('SIGTERM', () => activeCommand?.interrupted())
    }
  }

  /** Where profiles live: oclif's config dir, which IGNY8_CONFIG_DIR overrides. */
  protected get configDir(): string {
    return this.config.configDir
  }

  protected async store(): Promise<ProfileStore> {
    this.storePromise ??= ProfileStore.open(this.configDir).then((store) => {
      const warning = store.permissionWarning()
      if (warning) this.notice(warning)
      return store
    })
    return this.storePromise
  }

  /** Resolves one setting by precedence, with a notice when the environment overrides a stored value. */
  protected setting<V>(name: string, sources: {flag?: V; env?: string; stored?: V; fallback: V; parse?: (raw: string) => V}): Setting<V>
  protected setting<V>(name: string, sources: {flag?: V; env?: string; stored?: V; fallback?: V; parse?: (raw: string) => V}): Setting<V | undefined>
  protected setting<V>(name: string, sources: {flag?: V; env?: string; stored?: V; fallback?: V; parse?: (raw: string) => V}): Setting<V | undefined> {
    if (sources.flag !== undefined) return {value: sources.flag, source: 'flag'}
    const raw = sources.env ? process.env[sources.env] : undefined
    if (raw !== undefined && raw !== '') {
      const value = sources.parse ? sources.parse(raw) : (raw as V)
      if (sources.stored !== undefined && sources.stored !== value) {
        this.notice(`${sources.env} overrides the ${name} stored in profile "${this.flags.profile}".`)
      }

      return {value, source: 'env'}
    }

    if (sources.stored !== undefined) return {value: sources.stored, source: 'profile'}
    return {value: sources.fallback, source: 'default'}
  }

  /** A warning: on stderr (not under --quiet), or in the result's `warnings` array under --json. Said once. */
  protected notice(message: string): void {
    const text = redact(message)
    if (this.warnings.includes(text)) return
    this.warnings.push(text)
    if (!this.jsonEnabled() && !this.quiet) process.stderr.write(`${chalk.yellow('Warning:')} ${text}\n`)
  }

  /** Progress and context lines: stderr, never under --json or --quiet. */
  protected progress(message: string): void {
    if (!this.jsonEnabled() && !this.quiet) process.stderr.write(`${redact(message)}\n`)
  }

  /** HTTP settings for every client this command makes (timeouts, retries, trace, user agent). */
  protected httpSettings(): HttpSettings {
    return {...defaultHttpSettings(this.userAgent, this.trace, this.requestTimeoutMs()), traceBodies: this.debugging && debugFromEnv() === 'body'}
  }

  /** --timeout > IGNY8_TIMEOUT > the default; a bad value is a usage error before anything is sent. */
  private requestTimeoutMs(): number | undefined {
    const {source, value} = this.setting('request timeout', {flag: (this.flags as {timeout?: string}).timeout, env: 'IGNY8_TIMEOUT'})
    return value === undefined ? undefined : parseDurationSetting(value, source === 'env' ? 'IGNY8_TIMEOUT' : '--timeout', '10s, 2m or 500ms')
  }

  /** A BackendClient for the profile, with credentials from the environment or the profile. */
  protected async openBackend(options: {apiUrl?: string; allowHttp?: boolean; integration?: number; deferLogin?: boolean} = {}): Promise<BackendContext> {
    return openBackend({
      store: await this.store(),
      profileName: this.flags.profile,
      apiUrlFlag: options.apiUrl,
      integrationFlag: options.integration,
      allowHttp: options.allowHttp ?? false,
      deferLogin: options.deferLogin,
      http: this.httpSettings(),
      notice: (message) => this.notice(message),
    })
  }

  /** What a gather needs from the command: settings precedence, notices, the profile, HTTP and a spinner. */
  protected async gatherContext(): Promise<RunGatherContext> {
    let profile: Profile | undefined
    try {
      profile = (await this.store()).get(this.flags.profile)
    } catch (error) {
      // A gather told which site to read needs no profile: a broken config file must not stop it.
      const named = (this.flags as {'wp-url'?: string})['wp-url'] !== undefined || Boolean(process.env.IGNY8_WP_URL)
      if (!named || !isCliError(error) || error.code !== 'config_corrupt') throw error
      this.notice(`${error.message} Reading WordPress without the stored profile.`)
    }

    return {
      setting: (name, sources) => this.setting(name, sources),
      notice: (message) => this.notice(message),
      profileName: this.flags.profile,
      profile,
      http: this.httpSettings(),
      around: (text, work) => this.spin(text, work),
    }
  }

  /**
   * Exit with this code after the result has been printed (a check that ran and failed still prints
   * its full report, then exits 1).
   */
  protected exitAfterOutput(code: number): void {
    this.pendingExit = code
  }

  public override async _run<R>(): Promise<R> {
    const result = await super._run<R>()
    if (this.pendingExit) {
      await stdoutDrained()
      this.exit(this.pendingExit)
    }

    return result
  }

  /** HTTP trace sink for --debug. */
  protected get trace(): ((line: string) => void) | undefined {
    return this.debugging ? (line: string) => process.stderr.write(chalk.dim(`[debug] ${redact(line)}`) + '\n') : undefined
  }

  /** --debug, IGNY8_DEBUG=1 (read by oclif) or IGNY8_DEBUG=body (which oclif's boolean flag reads as false). */
  protected get debugging(): boolean {
    return Boolean(this.flags?.debug) || debugFromEnv() !== 'off'
  }

  protected get userAgent(): string {
    return `igny8/${this.config.version} node/${process.version}`
  }

  protected get interactive(): boolean {
    return Boolean(process.stderr.isTTY) && !this.jsonEnabled() && !this.quiet && !process.env.CI
  }

  /** --quiet (the commands that have it): only errors and the verdict line; notices still reach --json's `warnings`. */
  protected get quiet(): boolean {
    return Boolean((this.flags as {quiet?: boolean} | undefined)?.quiet)
  }

  /** Runs `work` under a spinner on stderr, only on an interactive terminal. */
  protected async spin<R>(text: string, work: () => Promise<R>): Promise<R> {
    if (!this.interactive) return work()
    ux.action.start(text)
    try {
      const result = await work()
      ux.action.stop()
      return result
    } catch (error) {
      ux.action.stop(chalk.red('failed'))
      throw error
    }
  }

  /** Runs a prompt with the spinner paused, so the question is not drawn over. */
  protected async pauseSpinner<R>(work: () => Promise<R>): Promise<R> {
    return ux.action.running ? ux.action.pauseAsync(work) : work()
  }

  /**
   * One JSON document on stdout. In a pipe without oclif's colouring pass, which tokenises the whole
   * document with regular expressions even when nothing is coloured: ~19 MiB at the peak of a 1,000-site report.
   */
  protected override logJson(json: unknown): void {
    if (process.stdout.isTTY) super.logJson(json)
    else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected override toSuccessJson(result: unknown): unknown {
    if (this.warnings.length > 0 && result && typeof result === 'object' && !Array.isArray(result)) {
      return {...result, warnings: this.warnings}
    }

    return result
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<never> {
    if (isExit(error)) throw error
    const cliError = toCliError(error)
    if (this.jsonEnabled()) {
      this.logJson({error: scrub(cliError.toJSON())})
    } else {
      if (ux.action.running) ux.action.stop(chalk.red('failed'))
      process.stderr.write(`${chalk.red('Error:')} ${redact(cliError.message)}\n`)
      if (cliError.hint) process.stderr.write(`${chalk.dim('Hint:')} ${redact(cliError.hint)}\n`)
      if (cliError.requestId) process.stderr.write(`${chalk.dim(`Request id: ${cliError.requestId}`)}\n`)
      if (this.debugging) {
        process.stderr.write(chalk.dim(redact(String(cliError.cause instanceof Error ? cliError.cause.stack : error.stack))) + '\n')
      }
    }

    await stdoutDrained()
    return this.exit(cliError.exitCode)
  }

  protected interrupted(): void {
    if (ux.action.running) ux.action.stop(chalk.red('interrupted'))
    if (this.jsonEnabled()) {
      process.stdout.write(JSON.stringify({error: {code: 'interrupted', message: 'Interrupted.', exitCode: ExitCode.interrupted}}, null, 2) + '\n')
    } else {
      process.stderr.write('Interrupted.\n')
    }

    // eslint-disable-next-line n/no-process-exit, unicorn/no-process-exit -- a signal ends the run here and now, with exit 130
    process.exit(ExitCode.interrupted)
  }
}

/**
 * oclif ends a failing command with process.exit(), which drops whatever a pipe has not taken yet: a
 * large --json report would be cut at the pipe's 64 KiB. Wait until stdout has handed everything over.
 */
async function stdoutDrained(): Promise<void> {
  if (process.stdout.writableLength === 0 || process.stdout.destroyed) return
  await new Promise<void>((resolve) => {
    process.stdout.once('drain', resolve)
    process.stdout.once('close', resolve)
  })
}

/** IGNY8_DEBUG: `body` (the trace with request and response bodies), a true value as oclif reads it (1, true, y, yes), else off. */
function debugFromEnv(): 'body' | 'off' | 'on' {
  const value = (process.env.IGNY8_DEBUG ?? '').trim().toLowerCase()
  if (value === 'body') return 'body'
  return ['1', 'true', 'y', 'yes'].includes(value) ? 'on' : 'off'
}

function isExit(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && (error as {code?: string}).code === 'EEXIT')
}

function scrub<V>(value: V): V {
  return JSON.parse(redact(JSON.stringify(value))) as V
}
