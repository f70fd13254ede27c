import {Flags} from '@oclif/core'
import chalk from 'chalk'

import {BaseCommand} from '../../base-command.js'
import {type CheckReport, checkFleet, checkIntegration, type FleetReport, junitSuites} from '../../lib/checks/integration-check.js'
import {assertJUnitTarget, toJUnit} from '../../lib/checks/junit.js'
import {parseCheckFlags} from '../../lib/checks/options.js'
import {renderCheckReport, renderFleetReport, symbol} from '../../lib/checks/render.js'
import type {CheckEnvironment} from '../../lib/checks/session.js'
import type {ProfileStore} from '../../lib/config/profile-store.js'
import {writeOutputFile} from '../../lib/files.js'
import {apiUrlFlag, gatherFlags, integrationFlag} from '../../lib/flags.js'

/** Sites checked at the same time under --all-sites when --concurrency is not given. */
const DEFAULT_SITE_CONCURRENCY = 4

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
  ]

  static override flags = {
    integration: integrationFlag,
    'api-url': apiUrlFlag,
    ...gatherFlags,
    'max-age': Flags.string({description: 'Oldest acceptable structure push; an older one fails structure.fresh (default 26h).', helpValue: 'DURATION'}),
    'drift-tolerance': Flags.string({description: 'Count changes up to N items, or N% of the stored count, are not drift (default 0).', helpValue: 'N|N%'}),
    'round-trip': Flags.boolean({description: 'Also push the live structure, read it back and compare every field (replaces what the backend stores).', default: false}),
    strict: Flags.boolean({description: 'Warnings and failed optional checks fail the run too.', default: false}),
    junit: Flags.string({description: 'Also write a JUnit XML report to this file, atomically.', helpValue: 'FILE'}),
    // No default: oclif's dependsOn counts a defaulted `false` as given.
    'all-sites': Flags.boolean({description: 'Check every site the login can see, each with its own integration and WordPress URL.', exclusive: ['integration', 'wp-url']}),
    concurrency: Flags.integer({description: `With --all-sites: sites checked at the same time (default ${DEFAULT_SITE_CONCURRENCY}).`, helpValue: 'N', min: 1, max: 64, dependsOn: ['all-sites']}),
    shard: Flags.string({description: 'With --all-sites: check only the K-th of N slices of the sites (sorted by id), for N parallel CI jobs.', helpValue: 'K/N', dependsOn: ['all-sites']}),
  }

  public async run(): Promise<CheckReport | FleetReport> {
    const {flags} = this
    const {settings, shard} = parseCheckFlags(flags)
    if (flags.junit) await assertJUnitTarget(flags.junit)
    const env = this.environment()
    const report = flags['all-sites']
      ? await checkFleet(env, settings, {
          concurrency: flags.concurrency ?? DEFAULT_SITE_CONCURRENCY,
          shard,
          onSite: this.interactive ? (site, done, total) => process.stderr.write(`[${done}/${total}] ${symbol(site.ok ? 'pass' : 'fail')} site ${site.siteId} "${site.siteName}"\n`) : undefined,
        })
      : await this.spin('Checking the sync chain', () => checkIntegration(env, settings))

    if (flags.junit) writeOutputFile(flags.junit, toJUnit(junitSuites(report), {strict: settings.strict}))

    if (!this.jsonEnabled()) this.log('sites' in report ? renderFleetReport(report, settings.strict) : renderCheckReport(report, settings.strict))
    if (flags.junit) this.progress(chalk.dim(`JUnit report written to ${flags.junit}.`))
    this.exitAfterOutput(report.ok ? 0 : 1)
    return report
  }

  private environment(): CheckEnvironment {
    const {flags} = this
    // Opened by the config check (a broken config file is a failing check, not a crash).
    let store: ProfileStore | undefined
    return {
      profileName: flags.profile,
      openBackend: async () => {
        store = await this.store()
        return this.openBackend({apiUrl: flags['api-url'], allowHttp: flags['allow-http'], integration: flags.integration, deferLogin: true})
      },
      readProfile: () => store?.get(flags.profile),
      // --concurrency counts sites here; each site's collections are counted as `structure gather` counts them.
      gather: {flags: {...flags, concurrency: gatherFlags.concurrency.default as number}, context: () => this.gatherContext()},
      http: this.httpSettings(),
    }
  }
}
