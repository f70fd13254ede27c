import {BaseCommand} from '../../base-command.js'
import {requireIntegration, resolveIntegrationId} from '../../lib/connection/backend-context.js'
import {chooseSiteById} from '../../lib/connection/site-target.js'
import {formatDuration} from '../../lib/duration.js'
import {allowHttpFlag, apiUrlFlag, formatFlags, integrationFlag, siteFlag, timeoutFlags} from '../../lib/flags.js'
import {chooseOutput, formatRows, type RowsOutput} from '../../lib/output/format.js'
import {CONTENT_TYPE_FIELDS, renderStructureTables, structureRows} from '../../lib/output/structure-table.js'
import {onOff} from '../../lib/output/words.js'
import {type ContentTypesResult, DEFAULT_MAX_AGE_MS, isStructureStored, readContentTypes, structureAgeMs} from '../../lib/sync/content-types.js'

export default class ContentTypesShow extends BaseCommand<typeof ContentTypesShow> {
  static override summary = 'Show what the IGNY8 backend holds for the integration: post types and taxonomies with sync counts.'

  static override description = `This is what feeds the Content Types tab of the IGNY8 app. WordPress counts (as last pushed) and synced counts stand side by side, then when the structure was last pushed and how long ago (a warning past 26 h: the plugin pushes daily).

Nothing stored yet is not an error: the command says so and how to fix it (exit 0).`

  static override hiddenAliases = ['show-content-types']

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --integration 42 --json',
    '<%= config.bin %> <%= command.id %> --site 17',
    '<%= config.bin %> <%= command.id %> --format csv --fields slug,count,synced_count',
  ]

  static override flags = {
    integration: integrationFlag,
    site: siteFlag,
    'api-url': apiUrlFlag,
    'allow-http': allowHttpFlag,
    ...formatFlags({fields: CONTENT_TYPE_FIELDS.join(', '), inPipe: 'rows'}),
    ...timeoutFlags,
  }

  public async run(): Promise<ContentTypesResult> {
    const output = chooseOutput({format: this.flags.format, fields: this.flags.fields, json: this.jsonEnabled(), valid: CONTENT_TYPE_FIELDS, rowsInPipe: true})
    const context = await this.openBackend({apiUrl: this.flags['api-url'], allowHttp: this.flags['allow-http'], integration: this.flags.integration})
    // --site: its integration, unless --integration or IGNY8_INTEGRATION_ID names one (checked to be the site's).
    const integrationId =
      this.flags.site === undefined
        ? requireIntegration(context)
        : (await chooseSiteById(context, this.flags.site, resolveIntegrationId(this.flags.integration, undefined, () => {}))).target.integrationId
    const result = await this.spin('Reading content types', () => readContentTypes(context.client, integrationId))
    if (output.kind === 'rows') this.printRows(result, output)
    else if (!this.jsonEnabled()) this.print(result)
    return result
  }

  /** --format, or a pipe: the rows on stdout, what they do not say on stderr. */
  private printRows(result: ContentTypesResult, output: RowsOutput): void {
    const text = formatRows(structureRows(result), output)
    if (text !== '') this.log(text)
    if (!isStructureStored(result)) {
      this.progress(`Integration ${result.integrationId} holds no site structure yet, so the Content Types tab is empty.`)
      this.progress('Fix: push it from WordPress with `igny8 structure push` (or let the IGNY8 plugin sync), then run this again.')
      return
    }

    this.progress(`Integration ${result.integrationId} · plugin connection ${onOff(result.plugin_connection_enabled)} · two-way sync ${onOff(result.two_way_sync_enabled)}`)
    this.lastPushed(result)
  }

  private print(result: ContentTypesResult): void {
    if (!isStructureStored(result)) {
      this.log(`Integration ${result.integrationId} holds no site structure yet, so the Content Types tab is empty.`)
      this.log('Fix: push it from WordPress with `igny8 structure push` (or let the IGNY8 plugin sync), then run this again.')
      return
    }

    this.log(`Integration ${result.integrationId} · plugin connection ${onOff(result.plugin_connection_enabled)} · two-way sync ${onOff(result.two_way_sync_enabled)}`)
    this.log('')
    this.log(renderStructureTables(result, {synced: true}))
    this.log('')
    this.lastPushed(result, (line) => this.log(line))
  }

  /** When the structure was last pushed (a warning past 26 h): on stdout in the report, on stderr beside rows. */
  private lastPushed(result: ContentTypesResult, say = (line: string) => this.progress(line)): void {
    const age = structureAgeMs(result.last_structure_fetch)
    if (result.last_structure_fetch && age !== undefined) {
      say(`Structure last pushed ${result.last_structure_fetch} (${formatDuration(age)} ago).`)
      if (age > DEFAULT_MAX_AGE_MS) this.notice(`The structure is ${formatDuration(age)} old: the plugin's daily push may be failing. Run \`igny8 integration check\`.`)
    } else {
      say('When the structure was last pushed is unknown.')
    }
  }
}
