import {BaseCommand} from '../../base-command.js'
import {requireIntegration} from '../../lib/connection/backend-context.js'
import {formatDuration} from '../../lib/duration.js'
import {allowHttpFlag, apiUrlFlag, integrationFlag} from '../../lib/flags.js'
import {renderStructureTables} from '../../lib/output/structure-table.js'
import {type ContentTypesResult, DEFAULT_MAX_AGE_MS, isStructureStored, readContentTypes, structureAgeMs} from '../../lib/sync/content-types.js'

export default class ContentTypesShow extends BaseCommand<typeof ContentTypesShow> {
  static override summary = 'Show what the IGNY8 backend holds for the integration: post types and taxonomies with sync counts.'

  static override description = `This is what feeds the Content Types tab of the IGNY8 app. WordPress counts (as last pushed) and synced counts stand side by side, then when the structure was last pushed and how long ago (a warning past 26 h: the plugin pushes daily).

Nothing stored yet is not an error: the command says so and how to fix it (exit 0).`

  static override hiddenAliases = ['show-content-types']

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --integration 42 --json']

  static override flags = {
    integration: integrationFlag,
    'api-url': apiUrlFlag,
    'allow-http': allowHttpFlag,
  }

  public async run(): Promise<ContentTypesResult> {
    const context = await this.openBackend({apiUrl: this.flags['api-url'], allowHttp: this.flags['allow-http'], integration: this.flags.integration})
    const integrationId = requireIntegration(context)
    const result = await this.spin('Reading content types', () => readContentTypes(context.client, integrationId))
    if (!this.jsonEnabled()) this.print(result)
    return result
  }

  private print(result: ContentTypesResult): void {
    if (!isStructureStored(result)) {
      this.log(`Integration ${result.integrationId} holds no site structure yet, so the Content Types tab is empty.`)
      this.log('Fix: push it from WordPress with `igny8 structure push` (or let the IGNY8 plugin sync), then run this again.')
      return
    }

    const flag = (value: boolean | null): string => (value === null ? 'unknown' : value ? 'on' : 'off')
    this.log(`Integration ${result.integrationId} · plugin connection ${flag(result.plugin_connection_enabled)} · two-way sync ${flag(result.two_way_sync_enabled)}`)
    this.log('')
    this.log(renderStructureTables(result, {synced: true}))
    this.log('')
    const age = structureAgeMs(result.last_structure_fetch)
    if (result.last_structure_fetch && age !== undefined) {
      this.log(`Structure last pushed ${result.last_structure_fetch} (${formatDuration(age)} ago).`)
      if (age > DEFAULT_MAX_AGE_MS) this.notice(`The structure is ${formatDuration(age)} old: the plugin's daily push may be failing. Run \`igny8 integration check\`.`)
    } else {
      this.log('When the structure was last pushed is unknown.')
    }
  }
}
