/**
 * The one error type of igny8. Every failure a user can meet is a CliError carrying the exit code of
 * the spec, a stable machine code, one clear message, and (when known) a hint and the backend's request id.
 * Nothing here may hold a secret: messages are built from URLs, slugs and server error texts only.
 */
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
