import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import type {StructurePayload} from '../../lib/backend/contract.js'
import {requireIntegration} from '../../lib/connection/backend-context.js'
import {apiUrlFlag, gatherFlags, integrationFlag} from '../../lib/flags.js'
import {renderStructureTables} from '../../lib/output/structure-table.js'
import {describeOrigin} from '../../lib/structure/report.js'
import {runGather} from '../../lib/structure/run-gather.js'
import {describeDiffEntry} from '../../lib/sync/diff.js'
import {countMismatches, type DryRunResult, dryRunPush, loadPayloadFile, type PushResult, pushStructure} from '../../lib/sync/push.js'

export default class StructurePush extends BaseCommand<typeof StructurePush> {
  static override hiddenAliases = ['push-structure']

  static override summary = 'Send a WordPress site\'s structure to IGNY8 (what the plugin\'s daily sync does).'

  static override description = `Without --from-file, gathers the structure from the profile's WordPress first (every gather flag applies). A file (or - for stdin) is validated before anything is sent; an invalid one exits 2 naming the field.

The push replaces what the backend stored, so it is safe to repeat and is retried on 429/5xx. --dry-run sends nothing: it shows the payload and how it differs from what the backend holds.`

  static override examples = [
    {description: 'Gather from the profile\'s WordPress and push', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'See what would change, sending nothing', command: '<%= config.bin %> <%= command.id %> --dry-run'},
    {description: 'Push a saved structure', command: '<%= config.bin %> <%= command.id %> --from-file structure.json --integration 42'},
  ]

  static override flags = {
    'from-file': Flags.string({description: 'Push this saved structure (from `structure gather --output`) instead of gathering; - reads stdin.', helpValue: 'FILE|-'}),
    integration: integrationFlag,
    'dry-run': Flags.boolean({description: 'Send nothing; show the payload and its difference from what the backend holds.', default: false}),
    'api-url': apiUrlFlag,
    ...gatherFlags,
  }

  public async run(): Promise<PushResult | DryRunResult> {
    const {flags} = this
    // A file is validated before any request; a gather needs WordPress, not the backend.
    const payload = flags['from-file'] ? await loadPayloadFile(flags['from-file']) : await this.gather()
    const context = await this.openBackend({apiUrl: flags['api-url'], allowHttp: flags['allow-http'], integration: flags.integration})
    const integrationId = requireIntegration(context)

    if (flags['dry-run']) {
      const result = await this.spin('Comparing with the backend', () => dryRunPush(context.client, integrationId, payload))
      if (!this.jsonEnabled()) {
        this.log(renderStructureTables(payload))
        this.log('')
        if (result.diff.length === 0) this.log(`No differences: integration ${integrationId} already holds this structure.`)
        else this.log(`Would change on integration ${integrationId} (dry run, nothing sent):\n${result.diff.map((d) => `  ${describeDiffEntry(d)}`).join('\n')}`)
      }

      return result
    }

    const result = await this.spin(`Pushing to integration ${integrationId}`, () => pushStructure(context.client, integrationId, payload))
    for (const note of countMismatches(result)) this.notice(note)
    if (!this.jsonEnabled()) {
      this.log(renderStructureTables(payload))
      this.log('')
      const {response} = result
      this.log(
        `Pushed ${Object.keys(payload.post_types).length} post types and ${Object.keys(payload.taxonomies).length} taxonomies to integration ${integrationId}: ` +
          `${response.message ?? 'accepted'} (backend stored ${response.post_types_count} + ${response.taxonomies_count}` +
          `${response.last_structure_fetch ? `, last_structure_fetch ${response.last_structure_fetch}` : ''}).`,
      )
    }

    return result
  }

  private async gather(): Promise<StructurePayload> {
    const {payload, report} = await runGather(this.flags, await this.gatherContext())
    this.progress(describeOrigin(report))
    for (const warning of report.warnings) this.notice(warning)
    return payload
  }
}
