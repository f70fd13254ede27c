/**
 * Runs a set of checks as a dependency graph: each check starts as soon as the checks it needs have
 * passed (or warned), independent chains (backend, WordPress) run side by side, and a check whose
 * prerequisite failed or was skipped is `skip` — one root cause, not a cascade of failures.
 */
import {isCliError} from '../errors.js'
import {redact} from '../secrets.js'

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip'

export interface CheckResult {
  id: string
  title: string
  status: CheckStatus
  required: boolean
  durationMs: number
  detail: string
  hint?: string
}

export interface CheckOutcome {
  status: Exclude<CheckStatus, 'skip'> | 'skip'
  detail: string
  hint?: string
}

export interface CheckDefinition {
  id: string
  title: string
  required: boolean
  /** Ids of checks that must pass or warn first. */
  needs?: string[]
  run: () => Promise<CheckOutcome>
}

export interface CheckSummary {
  pass: number
  warn: number
  fail: number
  skip: number
}

export async function runChecks(definitions: CheckDefinition[]): Promise<CheckResult[]> {
  const byId = new Map(definitions.map((d) => [d.id, d]))
  const results = new Map<string, Promise<CheckResult>>()
  const resultOf = (id: string): Promise<CheckResult> => {
    let pending = results.get(id)
    if (!pending) {
      const definition = byId.get(id)
      if (!definition) throw new Error(`unknown check ${id}`)
      pending = runOne(definition, resultOf)
      results.set(id, pending)
    }

    return pending
  }

  return Promise.all(definitions.map((d) => resultOf(d.id)))
}

async function runOne(definition: CheckDefinition, resultOf: (id: string) => Promise<CheckResult>): Promise<CheckResult> {
  const needs = await Promise.all((definition.needs ?? []).map((id) => resultOf(id)))
  const blocked = needs.find((n) => n.status === 'fail' || n.status === 'skip')
  const base = {id: definition.id, title: definition.title, required: definition.required}
  if (blocked) {
    return {...base, status: 'skip', durationMs: 0, detail: `skipped: ${blocked.id} ${blocked.status === 'fail' ? 'failed' : 'was skipped'}`}
  }

  const started = performance.now()
  let outcome: CheckOutcome
  try {
    outcome = await definition.run()
  } catch (error) {
    outcome = isCliError(error)
      ? {status: 'fail', detail: error.message, hint: error.hint}
      : {status: 'fail', detail: `unexpected error: ${(error as Error).message}`, hint: 'Re-run with --debug and report it.'}
  }

  return {
    ...base,
    status: outcome.status,
    durationMs: Math.round(performance.now() - started),
    detail: redact(outcome.detail),
    ...(outcome.hint ? {hint: redact(outcome.hint)} : {}),
  }
}

export function summarize(results: CheckResult[]): CheckSummary {
  const summary: CheckSummary = {pass: 0, warn: 0, fail: 0, skip: 0}
  for (const r of results) summary[r.status]++
  return summary
}

/** No required check failed; with `strict`, no check failed or warned either. */
export function isOk(results: CheckResult[], strict: boolean): boolean {
  return results.every((r) => {
    if (r.status === 'fail') return !r.required && !strict
    if (r.status === 'warn') return !strict
    return true
  })
}

export function addSummaries(a: CheckSummary, b: CheckSummary): CheckSummary {
  return {pass: a.pass + b.pass, warn: a.warn + b.warn, fail: a.fail + b.fail, skip: a.skip + b.skip}
}
