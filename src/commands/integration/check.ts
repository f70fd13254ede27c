import {Flags} from '@oclif/core'
import chalk from 'chalk'

import type {Shard} from '../../lib/checks/options.js'
import type {CheckResult} from '../../lib/checks/runner.js'
import type {CheckEnvironment} from '../../lib/checks/session.js'
import type {ProfileStore} from '../../lib/config/profile-store.js'

import {BaseCommand} from '../../base-command.js'
import {checkFleet, checkIntegration, type CheckReport, fleetReport, type FleetReport, junitSuites, type SiteReport} from '../../lib/checks/integration-check.js'
import {toJUnit} from '../../lib/checks/junit.js'
import {parseCheckFlags} from '../../lib/checks/options.js'
import {fleetVerdict, renderCheckReport, renderFleetReport, verdict} from '../../lib/checks/render.js'
import {DEFAULT_SITE_TIMEOUT_MS} from '../../lib/deadline.js'
import {parseDurationSetting} from '../../lib/duration.js'
import {usageError} from '../../lib/errors.js'
import {assertOutputTarget, STDOUT_TARGET, writeReport} from '../../lib/files.js'
import {apiUrlFlag, formatFlags, gatherFlags, integrationFlag, quietFlag, siteFlag, siteTimeoutFlag, timeoutFlags} from '../../lib/flags.js'
import {chooseOutput, formatRows, type OutputMode, plainInPipe, type Row} from '../../lib/output/format.js'
import {ProgressBar, terminalWidth} from '../../lib/output/progress.js'
import {renderHtmlReport} from '../../lib/reports/html.js'
import {renderMetrics} from '../../lib/reports/metrics.js'

type ReportKind = 'html' | 'junit' | 'metrics'
interface ReportTarget {
  kind: ReportKind
  what: string
  target: string
}
const REPORTS: Array<{kind: ReportKind; what: string}> = [
  {kind: 'junit', what: 'JUnit report'},
  {kind: 'html', what: 'HTML report'},
  {kind: 'metrics', what: 'Metrics'},
]

/** Sites checked at the same time under --all-sites when --concurrency is not given. */
const DEFAULT_SITE_CONCURRENCY = 4

/** The rows of --format: one per check; with --all-sites, the site of each (none for the shared checks). Names as in --json. */
const CHECK_FIELDS = ['id', 'status', 'required', 'durationMs', 'detail', 'hint'] as const
const FLEET_CHECK_FIELDS = ['siteId', 'siteName', ...CHECK_FIELDS] as const

function checkRows(report: CheckReport | FleetReport): Row[] {
  const row = (check: CheckResult, site?: SiteReport): Row => ({
    siteId: site?.siteId ?? null,
    siteName: site?.siteName ?? null,
    id: check.id,
    status: check.status,
    required: check.required,
    durationMs: check.durationMs,
    detail: check.detail,
    hint: check.hint ?? null,
  })
  const shared = report.checks.map((check) => row(check))
  return 'sites' in report ? [...shared, ...report.sites.flatMap((site) => site.checks.map((check) => row(check, site)))] : shared
}

export default class IntegrationCheck extends BaseCommand<typeof IntegrationCheck> {
  static override hiddenAliases = ['check-integration']

  static override summary = 'Check every link of the WordPress ↔ IGNY8 sync chain and say which one is broken.'

  static override description = `Replaces the support checklist (backend logs, a Django shell, curl): configuration, the IGNY8 API and its credentials, the integration and its sync status, the stored structure and its age, WordPress, its REST API and credentials, the live structure, and how far it drifted from the stored one. A check whose prerequisite failed is skipped, so the first broken link stands out.

Exit 0 when no required check failed (warnings such as drift fail only with --strict), 1 otherwise; the report is always printed first. Only bad flag values exit 2.

--round-trip also pushes the live structure (as \`structure push\` does, replacing what is stored), reads it back and compares every field. --all-sites checks every site the login can see, each with its own integration and WordPress URL, --concurrency at a time; --shard K/N checks one slice of them, for N parallel CI jobs. --junit writes a JUnit XML report (one test suite per site, one test case per check).`

  static override examples = [
    {description: 'Check the profile\'s site', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'A post-deploy smoke test that also pushes and reads back, for CI', command: '<%= config.bin %> <%= command.id %> --round-trip --strict --junit igny8-check.xml'},
    {description: 'Allow counts to drift by 5% and the structure to be two days old', command: '<%= config.bin %> <%= command.id %> --drift-tolerance 5% --max-age 2d'},
    {description: 'The second of four parallel CI jobs over a fleet', command: '<%= config.bin %> <%= command.id %> --all-sites --shard 2/4 --junit report-2.xml --json'},
    {description: 'Only the verdict line, for a cron job', command: '<%= config.bin %> <%= command.id %> --quiet'},
    {description: 'Every check of every site as CSV', command: '<%= config.bin %> <%= command.id %> --all-sites --format csv --fields siteId,id,status,detail'},
  ]

  static override flags = {
    site: siteFlag,
    integration: integrationFlag,
    'api-url': apiUrlFlag,
    ...gatherFlags,
    'max-age': Flags.string({description: 'Oldest acceptable structure push; an older one fails structure.fresh (default 26h).', helpValue: 'DURATION'}),
    'drift-tolerance': Flags.string({description: 'Count changes up to N items, or N% of the stored count, are not drift (default 0).', helpValue: 'N|N%'}),
    'round-trip': Flags.boolean({description: 'Also push the live structure, read it back and compare every field (replaces what the backend stores).', default: false}),
    strict: Flags.boolean({description: 'Warnings and failed optional checks fail the run too.', default: false}),
    junit: Flags.string({description: 'Also write a JUnit XML report to this file, atomically (- for stdout).', helpValue: 'FILE'}),
    html: Flags.string({description: 'Also write a self-contained HTML report to this file, atomically (- for stdout).', helpValue: 'FILE'}),
    metrics: Flags.string({description: 'Also write Prometheus metrics (textfile collector format) to this file, atomically (- for stdout).', helpValue: 'FILE'}),
    // No default: oclif's dependsOn counts a defaulted `false` as given.
    'all-sites': Flags.boolean({description: 'Check every site the login can see, each with its own integration and WordPress URL.', exclusive: ['site', 'integration', 'wp-url']}),
    concurrency: Flags.integer({description: `With --all-sites: sites checked at the same time (default ${DEFAULT_SITE_CONCURRENCY}).`, helpValue: 'N', min: 1, max: 64, dependsOn: ['all-sites']}),
    shard: Flags.string({description: 'With --all-sites: check only the K-th of N slices of the sites (sorted by id), for N parallel CI jobs.', helpValue: 'K/N', dependsOn: ['all-sites']}),
    'site-timeout': siteTimeoutFlag,
    'all-rows': Flags.boolean({description: 'With --all-sites: list every site in the table, not only the failing and warning ones.', default: false}),
    ...formatFlags({fields: `${FLEET_CHECK_FIELDS.slice(0, 2).join(', ')} (with --all-sites), ${CHECK_FIELDS.join(', ')}`, inPipe: 'report'}),
    quiet: quietFlag,
    ...timeoutFlags,
  }

  /** The API URL the run used, for the HTML report. */
  private apiUrl?: string
  /** What a fleet run has done so far, for the reports written when it is interrupted. */
  private fleetProgress?: {shared: CheckResult[]; sites: SiteReport[]; total: number; fleetSites: number; started: number; bar?: ProgressBar}
  private reportSettings?: {strict: boolean; shard?: Shard}
  private output: OutputMode = {kind: 'report'}

  public async run(): Promise<CheckReport | FleetReport> {
    const {flags} = this
    const {settings, shard} = parseCheckFlags(flags)
    const valid = flags['all-sites'] ? FLEET_CHECK_FIELDS : CHECK_FIELDS
    this.output = chooseOutput({format: flags.format, fields: flags.fields, json: this.jsonEnabled(), valid, rowsInPipe: false})
    const siteTimeoutMs = flags['site-timeout'] === undefined ? DEFAULT_SITE_TIMEOUT_MS : parseDurationSetting(flags['site-timeout'], '--site-timeout', '30s, 2m or 90s')
    const targets = this.reportTargets()
    this.reportSettings = {strict: settings.strict, shard}
    const env = this.environment()
    const report = flags['all-sites']
      ? await checkFleet(env, settings, {
          concurrency: flags.concurrency ?? DEFAULT_SITE_CONCURRENCY,
          siteTimeoutMs,
          shard,
          onStart: (shared, sites, fleetSites) => {
            this.fleetProgress = {shared, sites: [], total: sites.length, fleetSites, started: performance.now(), bar: this.interactive ? new ProgressBar(process.stderr, sites.length) : undefined}
          },
          onSite: (site) => {
            this.fleetProgress?.sites.push(site)
            this.fleetProgress?.bar?.tick(!site.ok)
          },
        })
      : await this.spin('Checking the sync chain', () => checkIntegration(env, settings))
    this.fleetProgress?.bar?.clear()
    this.fleetProgress = undefined

    this.writeReports(report, targets)
    if (!this.jsonEnabled()) this.print(report, settings.strict, targets.some(({target}) => target === STDOUT_TARGET))
    for (const {target, what} of targets) if (target !== STDOUT_TARGET) this.progress(chalk.dim(`${what} written to ${target}.`))
    this.exitAfterOutput(report.ok ? 0 : 1)
    return report
  }

  /**
   * The human report; --quiet: its verdict line alone; --format: the rows on stdout and the verdict on
   * stderr. A report sent to stdout takes the place of the human one, which then goes to stderr.
   */
  private print(report: CheckReport | FleetReport, strict: boolean, stdoutTaken: boolean): void {
    const say = (text: string): void => {
      if (stdoutTaken) process.stderr.write(`${text}\n`)
      else this.log(plainInPipe(text))
    }

    const verdictLine = 'sites' in report ? fleetVerdict(report, strict) : verdict(report.checks, report.ok, strict, report.durationMs)
    if (this.output.kind === 'rows') {
      const text = formatRows(checkRows(report), this.output)
      if (text !== '') this.log(text)
      process.stderr.write(`${verdictLine}\n`)
    } else if (this.quiet) {
      say(verdictLine)
    } else {
      say('sites' in report ? renderFleetReport(report, {strict, allRows: this.flags['all-rows'], width: terminalWidth()}) : renderCheckReport(report, strict))
    }
  }

  /** Ctrl-C in a fleet run: the reports asked for are written for the sites done so far, complete documents. */
  protected override interrupted(): void {
    const progress = this.fleetProgress
    progress?.bar?.clear()
    if (progress && this.reportSettings) {
      const partial = fleetReport({
        profile: this.flags.profile,
        strict: this.reportSettings.strict,
        shared: progress.shared,
        sites: progress.sites,
        shard: this.reportSettings.shard,
        fleetSites: progress.fleetSites,
        durationMs: performance.now() - progress.started,
        interrupted: {sitesDone: progress.sites.length, sitesTotal: progress.total},
      })
      try {
        this.writeReports(partial, this.reportTargets())
      } catch {
        // Interrupted is what the user is told; a report that cannot be written now could not be before.
      }
    }

    super.interrupted()
  }

  /** Each report asked for, checked before anything runs; at most one of them (or --json, or the rows of --format) may take stdout. */
  private reportTargets(): ReportTarget[] {
    const {flags} = this
    const targets = REPORTS.flatMap(({kind, what}) => (flags[kind] === undefined ? [] : [{kind, what, target: flags[kind]}]))
    const toStdout = targets.filter(({target}) => target === STDOUT_TARGET).length + (this.jsonEnabled() || this.output.kind === 'rows' ? 1 : 0)
    if (toStdout > 1) throw usageError('Only one of --json, --format (or --fields), --junit -, --html - and --metrics - can write to stdout.', 'Write the other reports to files.')
    for (const {target, what} of targets) assertOutputTarget(target, what)
    return targets
  }

  private writeReports(report: CheckReport | FleetReport, targets: ReportTarget[]): void {
    const generatedAt = new Date()
    const strict = this.reportSettings?.strict ?? false
    const render: Record<ReportKind, () => string> = {
      junit: () => toJUnit(junitSuites(report), {strict}),
      html: () => renderHtmlReport(report, {generatedAt, apiUrl: this.apiUrl, version: this.config.version, strict}),
      metrics: () => renderMetrics(report, {generatedAt}),
    }
    for (const {kind, target} of targets) writeReport(target, render[kind]())
  }

  private environment(): CheckEnvironment {
    const {flags} = this
    // Opened by the config check (a broken config file is a failing check, not a crash).
    let store: ProfileStore | undefined
    return {
      profileName: flags.profile,
      openBackend: async () => {
        store = await this.store()
        const context = await this.openBackend({apiUrl: flags['api-url'], allowHttp: flags['allow-http'], integration: flags.integration, deferLogin: true})
        this.apiUrl = context.apiUrl
        return context
      },
      readProfile: () => store?.get(flags.profile),
      // --concurrency counts sites here; each site's collections are counted as `structure gather` counts them.
      gather: {flags: {...flags, concurrency: gatherFlags.concurrency.default as number}, context: () => this.gatherContext()},
      http: this.httpSettings(),
      site: flags.site,
      integration: flags.integration,
    }
  }
}
