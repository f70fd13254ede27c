import {Flags} from '@oclif/core'

import type {StructurePayload} from '../../lib/backend/contract.js'
import type {ChosenSite} from '../../lib/connection/site-target.js'

import {BaseCommand} from '../../base-command.js'
import {parseMaxAge, parseShard} from '../../lib/checks/options.js'
import {type BackendContext, requireIntegration, resolveIntegrationId} from '../../lib/connection/backend-context.js'
import {chooseSiteById} from '../../lib/connection/site-target.js'
import {DEFAULT_SITE_TIMEOUT_MS} from '../../lib/deadline.js'
import {parseDurationSetting} from '../../lib/duration.js'
import {usageError} from '../../lib/errors.js'
import {apiUrlFlag, formatFlags, gatherFlags, integrationFlag, quietFlag, siteFlag, siteTimeoutFlag, timeoutFlags} from '../../lib/flags.js'
import {chooseOutput, formatRows} from '../../lib/output/format.js'
import {ProgressBar} from '../../lib/output/progress.js'
import {renderStructureTables} from '../../lib/output/structure-table.js'
import {resolveSiteGatherInputs} from '../../lib/structure/gather-inputs.js'
import {resolveWordPressTarget} from '../../lib/structure/gather-target.js'
import {describeOrigin} from '../../lib/structure/report.js'
import {gatherWith} from '../../lib/structure/run-gather.js'
import {parseOverrides} from '../../lib/structure/selection.js'
import {describeDiffEntry} from '../../lib/sync/diff.js'
import {
  FLEET_PUSH_FIELDS,
  type FleetPushReport,
  fleetPushRows,
  fleetPushVerdict,
  parseOnly,
  PUSH_CONDITIONS,
  pushFleet,
  renderFleetPush,
  summarizeDiff,
} from '../../lib/sync/fleet-push.js'
import {countMismatches, dryRunPush, type DryRunResult, incompleteStructureError, loadPayloadFile, type PushResult, pushStructure} from '../../lib/sync/push.js'

/** Sites pushed at the same time under --all-sites when --concurrency is not given. */
const DEFAULT_SITE_CONCURRENCY = 4
/** Collections counted at the same time for one site (gatherFlags' default and limit). */
const COLLECTION_CONCURRENCY = {default: 8, max: 32}

export default class StructurePush extends BaseCommand<typeof StructurePush> {
  static override hiddenAliases = ['push-structure']

  static override summary = 'Send a WordPress site\'s structure to IGNY8 (what the plugin\'s daily sync does).'

  static override description = `Without --from-file, gathers the structure from the profile's WordPress first (every gather flag applies); --site ID pushes any site the login can see, to its own integration, read from its integration's WordPress URL. A file (or - for stdin) is validated before anything is sent; an invalid one exits 2 naming the field. A gathered structure that is incomplete (a collection or list that failed with a network error, a 5xx or a 429) is never pushed (exit 5): it would erase what the backend stores for what is missing.

The push replaces what the backend stored, so it is safe to repeat and is retried on 429/5xx. --dry-run sends nothing: it shows the payload and how it differs from what the backend holds.

--all-sites does what the IGNY8 plugin's daily push does for every site of the login (or one --shard of them), --concurrency sites at a time, each within --site-timeout: it reads what the backend stores and the live structure, and pushes the sites whose structure is missing, stale (older than --max-age) or drifted (types, taxonomies or counts changed) — --only picks which of these. Sites whose WordPress failed or answered incompletely are reported as failed and left as they are (exit 1). With --dry-run it only says which sites it would push.`

  static override examples = [
    {description: 'Gather from the profile\'s WordPress and push', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'See what would change, sending nothing', command: '<%= config.bin %> <%= command.id %> --dry-run'},
    {description: 'Push a saved structure', command: '<%= config.bin %> <%= command.id %> --from-file structure.json --integration 42'},
    {description: 'Push another site of the login, from its own WordPress', command: '<%= config.bin %> <%= command.id %> --site 17'},
    {description: 'Every site whose stored structure is missing or stale; a second CI job does the other half', command: '<%= config.bin %> <%= command.id %> --all-sites --only missing,stale --shard 1/2'},
    {description: 'Which sites would be pushed, sending nothing', command: '<%= config.bin %> <%= command.id %> --all-sites --dry-run --json'},
    {description: 'The fleet as CSV, one row per site', command: '<%= config.bin %> <%= command.id %> --all-sites --format csv --fields siteId,action,reason'},
  ]

  static override flags = {
    'from-file': Flags.string({description: 'Push this saved structure (from `structure gather --output`) instead of gathering; - reads stdin.', helpValue: 'FILE|-'}),
    integration: integrationFlag,
    site: siteFlag,
    'dry-run': Flags.boolean({description: 'Send nothing; show the payload and its difference from what the backend holds.', default: false}),
    'api-url': apiUrlFlag,
    ...gatherFlags,
    // No default: oclif's dependsOn counts a defaulted `false` as given.
    'all-sites': Flags.boolean({
      description: 'Push every site the login can see whose stored structure is missing, stale or drifted, each to its own integration.',
      exclusive: ['site', 'integration', 'wp-url', 'from-file'],
    }),
    concurrency: Flags.integer({
      description: `Collections counted at the same time (default ${COLLECTION_CONCURRENCY.default}, at most ${COLLECTION_CONCURRENCY.max}); with --all-sites, sites handled at the same time (default ${DEFAULT_SITE_CONCURRENCY}).`,
      helpValue: 'N',
      min: 1,
      max: 64,
    }),
    shard: Flags.string({description: 'With --all-sites: only the K-th of N slices of the sites (sorted by id), for N parallel CI jobs.', helpValue: 'K/N', dependsOn: ['all-sites']}),
    only: Flags.string({
      description: 'With --all-sites: push only sites whose stored structure is in these states (default all three).',
      helpValue: 'missing,stale,drift',
      options: [...PUSH_CONDITIONS],
      multiple: true,
      delimiter: ',',
      dependsOn: ['all-sites'],
    }),
    'max-age': Flags.string({description: 'With --all-sites: a stored structure older than this is stale (default 26h).', helpValue: 'DURATION', dependsOn: ['all-sites']}),
    'site-timeout': siteTimeoutFlag,
    ...formatFlags({fields: `${FLEET_PUSH_FIELDS.join(', ')} (one row per site of --all-sites)`, inPipe: 'report', dependsOn: ['all-sites']}),
    quiet: quietFlag,
    ...timeoutFlags,
  }

  private backendPromise?: Promise<BackendContext>

  public async run(): Promise<DryRunResult | FleetPushReport | PushResult> {
    const {flags} = this
    if (flags['all-sites']) return this.pushAll()
    if (flags['site-timeout'] !== undefined) throw usageError('--site-timeout bounds each site of --all-sites; it needs --all-sites.', 'For one site, --timeout bounds each request.')
    if ((flags.concurrency ?? 0) > COLLECTION_CONCURRENCY.max) {
      throw usageError(`--concurrency ${flags.concurrency}: at most ${COLLECTION_CONCURRENCY.max} collections are counted at the same time (64 is for sites, with --all-sites).`)
    }

    // A file is validated before any request; a gather needs WordPress, and the backend only for --site.
    const file = flags['from-file'] ? await loadPayloadFile(flags['from-file']) : undefined
    const explicitIntegration = resolveIntegrationId(flags.integration, undefined, () => {})
    const site = flags.site === undefined ? undefined : await chooseSiteById(await this.backend(), flags.site, explicitIntegration)
    const payload = file ?? (await this.gather(site))
    const context = await this.backend()
    const integrationId = site?.target.integrationId ?? requireIntegration(context)

    if (flags['dry-run']) {
      const result = await this.spin('Comparing with the backend', () => dryRunPush(context.client, integrationId, payload))
      if (!this.jsonEnabled()) this.printDryRun(payload, result, integrationId)
      return result
    }

    const result = await this.spin(`Pushing to integration ${integrationId}`, () => pushStructure(context.client, integrationId, payload))
    for (const note of countMismatches(result)) this.notice(note)
    if (!this.jsonEnabled()) {
      if (!this.quiet) this.log(renderStructureTables(payload) + '\n')
      const {response} = result
      this.log(
        `Pushed ${Object.keys(payload.post_types).length} post types and ${Object.keys(payload.taxonomies).length} taxonomies to integration ${integrationId}: ` +
          `${response.message ?? 'accepted'} (backend stored ${response.post_types_count} + ${response.taxonomies_count}` +
          `${response.last_structure_fetch ? `, last_structure_fetch ${response.last_structure_fetch}` : ''}).`,
      )
    }

    return result
  }

  /** The payload and what would change; --quiet: one line. */
  private printDryRun(payload: StructurePayload, result: DryRunResult, integrationId: number): void {
    if (result.diff.length === 0) {
      if (!this.quiet) this.log(renderStructureTables(payload) + '\n')
      this.log(`No differences: integration ${integrationId} already holds this structure.`)
    } else if (this.quiet) {
      this.log(`Would change on integration ${integrationId} (dry run, nothing sent): ${summarizeDiff(result.diff)}.`)
    } else {
      this.log(renderStructureTables(payload) + '\n')
      this.log(`Would change on integration ${integrationId} (dry run, nothing sent):\n${result.diff.map((d) => `  ${describeDiffEntry(d)}`).join('\n')}`)
    }
  }

  /** The backend, opened once (first by --site, by a gather that needs the configured integration's WordPress URL, or by the push). */
  private backend(): Promise<BackendContext> {
    const {flags} = this
    this.backendPromise ??= this.openBackend({apiUrl: flags['api-url'], allowHttp: flags['allow-http'], integration: flags.integration})
    return this.backendPromise
  }

  /** The live structure; an incomplete one is refused (exit 5): pushing it would erase what did not answer. */
  private async gather(site: ChosenSite | undefined): Promise<StructurePayload> {
    const context = await this.gatherContext()
    const flags = {...this.flags, concurrency: this.flags.concurrency ?? COLLECTION_CONCURRENCY.default}
    const {inputs, origin} = await resolveWordPressTarget({flags, context, site, backend: () => this.backend()})
    if (origin) this.progress(`WordPress URL from ${origin}: ${inputs.siteUrl.href}`)
    const {payload, report} = await gatherWith(inputs, context, {partial: true})
    this.progress(describeOrigin(report))
    if (report.incomplete.length > 0) throw incompleteStructureError(inputs.siteUrl.host, report.incomplete)
    for (const warning of report.warnings) this.notice(warning)
    return payload
  }

  /** --all-sites: flags checked before anything is sent, one call, the report, exit 1 when a site failed. */
  private async pushAll(): Promise<FleetPushReport> {
    const {flags} = this
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard)
    const maxAgeMs = parseMaxAge(flags['max-age'])
    const siteTimeoutMs = flags['site-timeout'] === undefined ? DEFAULT_SITE_TIMEOUT_MS : parseDurationSetting(flags['site-timeout'], '--site-timeout', '30s, 2m or 500ms')
    parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']})
    const output = chooseOutput({format: flags.format, fields: flags.fields, json: this.jsonEnabled(), valid: FLEET_PUSH_FIELDS, rowsInPipe: false})
    const backend = await this.openBackend({apiUrl: flags['api-url'], allowHttp: flags['allow-http']})
    const context = await this.gatherContext()
    // --concurrency counts sites here; each site's collections are counted as `structure gather` counts them.
    const gather = {...flags, concurrency: COLLECTION_CONCURRENCY.default}
    let bar: ProgressBar | undefined
    const report = await pushFleet({
      backend,
      only: parseOnly(flags.only),
      maxAgeMs,
      dryRun: flags['dry-run'],
      concurrency: flags.concurrency ?? DEFAULT_SITE_CONCURRENCY,
      shard,
      siteTimeoutMs,
      http: this.httpSettings(),
      inputs: (_site, wordpress) => resolveSiteGatherInputs(gather, context, wordpress),
      onStart: (total) => {
        if (this.interactive) bar = new ProgressBar(process.stderr, total)
      },
      onSite: (result) => bar?.tick(result.action === 'failed'),
    })
    bar?.clear()
    const options = {dryRun: flags['dry-run']}
    // --format: the rows on stdout and the summary line on stderr; --quiet: the summary line alone.
    if (output.kind === 'rows') {
      const text = formatRows(fleetPushRows(report), output)
      if (text !== '') this.log(text)
      process.stderr.write(`${fleetPushVerdict(report, options)}\n`)
    } else if (!this.jsonEnabled()) {
      this.log(this.quiet ? fleetPushVerdict(report, options) : renderFleetPush(report, options))
    }

    this.exitAfterOutput(report.ok ? 0 : 1)
    return report
  }
}
