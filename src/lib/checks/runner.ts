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
  /** structure.fresh: how old the stored structure is, in seconds (for metrics and scripts). */
  ageSeconds?: number
}

export interface CheckOutcome {
  status: CheckStatus
  detail: string
  hint?: string
  ageSeconds?: number
}

export interface CheckDefinition {
  id: string
  title: string
  required: boolean
  /** Ids of checks that must pass or warn first. */
  needs?: string[]
  /** Ids of optional steps that must not have failed; skipped is fine (WordPress credentials, when none are configured). */
  needsUnlessSkipped?: string[]
  /** Ids of checks that must have finished first, whatever their outcome (a round trip overwrites what they read). */
  after?: string[]
  run: () => Promise<CheckOutcome>
}

export interface CheckSummary {
  pass: number
  warn: number
  fail: number
  skip: number
}

/**
 * Runs `definitions` and resolves with their results in the order given. `given` are results known
 * already (checks shared by several sites, run once): definitions may need them; they are not returned.
 */
export async function runChecks(definitions: CheckDefinition[], given: CheckResult[] = []): Promise<CheckResult[]> {
  assertGraph(definitions, given)
  const results = new Map<string, Promise<CheckResult>>(given.map((r) => [r.id, Promise.resolve(r)]))
  const byId = new Map(definitions.map((d) => [d.id, d]))
  const rootCauses: RootCauses = new Map()
  const resultOf = (id: string): Promise<CheckResult> => {
    let pending = results.get(id)
    if (!pending) {
      pending = runOne(byId.get(id)!, resultOf, rootCauses)
      results.set(id, pending)
    }

    return pending
  }

  return Promise.all(definitions.map((d) => resultOf(d.id)))
}

/** Unknown ids, duplicates and cycles are programming errors: better caught here than as a hang. */
function assertGraph(definitions: CheckDefinition[], given: CheckResult[]): void {
  const known = new Set(given.map((r) => r.id))
  const byId = new Map<string, CheckDefinition>()
  for (const d of definitions) {
    if (byId.has(d.id) || known.has(d.id)) throw new Error(`check ${d.id} is defined twice`)
    byId.set(d.id, d)
  }

  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (id: string, path: string[]): void => {
    if (known.has(id) || state.get(id) === 'done') return
    const definition = byId.get(id)
    if (!definition) throw new Error(`check ${path.at(-1)} depends on unknown check ${id}`)
    if (state.get(id) === 'visiting') throw new Error(`checks depend on each other in a cycle: ${[...path, id].join(' → ')}`)
    state.set(id, 'visiting')
    for (const next of prerequisites(definition)) visit(next, [...path, id])
    state.set(id, 'done')
  }

  for (const d of definitions) visit(d.id, [])
}

function prerequisites(definition: CheckDefinition): string[] {
  return [...(definition.needs ?? []), ...(definition.needsUnlessSkipped ?? []), ...(definition.after ?? [])]
}

/** Why a check was skipped for a prerequisite, by check id. */
type RootCauses = Map<string, string>

async function runOne(definition: CheckDefinition, resultOf: (id: string) => Promise<CheckResult>, rootCauses: RootCauses): Promise<CheckResult> {
  const results = (ids: string[] = []) => Promise.all(ids.map((id) => resultOf(id)))
  const [needs, unlessSkipped] = await Promise.all([results(definition.needs), results(definition.needsUnlessSkipped), results(definition.after)])
  const blocked = needs.find((n) => n.status === 'fail' || n.status === 'skip') ?? unlessSkipped.find((n) => n.status === 'fail')
  if (blocked) {
    // Name the root cause, not the link in between: "skipped: backend.reachable failed" all down the chain.
    const cause = rootCauses.get(blocked.id) ?? `${blocked.id} ${blocked.status === 'fail' ? 'failed' : 'was skipped'}`
    rootCauses.set(definition.id, cause)
    return result(definition, {status: 'skip', detail: `skipped: ${cause}`}, 0)
  }

  const started = performance.now()
  let outcome: CheckOutcome
  try {
    outcome = await definition.run()
  } catch (error) {
    outcome = isCliError(error)
      ? {status: 'fail', detail: error.requestId ? `${error.message} (request id ${error.requestId})` : error.message, hint: error.hint}
      : {status: 'fail', detail: `unexpected error: ${(error as Error).message}`, hint: 'Re-run with --debug and report it.'}
  }

  return result(definition, outcome, Math.round(performance.now() - started))
}

/** In the order of the spec: id, title, status, required, durationMs, detail, hint. Secrets masked. */
function result(definition: CheckDefinition, outcome: CheckOutcome, durationMs: number): CheckResult {
  return {
    id: definition.id,
    title: definition.title,
    status: outcome.status,
    required: definition.required,
    durationMs,
    detail: redact(outcome.detail),
    ...(outcome.hint ? {hint: redact(outcome.hint)} : {}),
    ...(outcome.ageSeconds === undefined ? {} : {ageSeconds: outcome.ageSeconds}),
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
