import {Flags} from '@oclif/core'

import type {StructurePayload} from '../../lib/backend/contract.js'
import type {BackendContext} from '../../lib/connection/backend-context.js'

import {BaseCommand} from '../../base-command.js'
import {resolveIntegrationId} from '../../lib/connection/backend-context.js'
import {chooseSiteById} from '../../lib/connection/site-target.js'
import {jsonText, writeOutputFile} from '../../lib/files.js'
import {apiUrlFlag, formatFlags, gatherFlags, siteFlag, timeoutFlags} from '../../lib/flags.js'
import {chooseOutput, formatRows} from '../../lib/output/format.js'
import {renderStructureTables, STRUCTURE_FIELDS, structureRows} from '../../lib/output/structure-table.js'
import {resolveWordPressTarget} from '../../lib/structure/gather-target.js'
import {describeOrigin} from '../../lib/structure/report.js'
import {gatherWith} from '../../lib/structure/run-gather.js'
import {parseOverrides} from '../../lib/structure/selection.js'

export default class StructureGather extends BaseCommand<typeof StructureGather> {
  static override hiddenAliases = ['gather-structure']

  static override summary = 'Read a WordPress site\'s post types and taxonomies, with their counts.'

  static override description = `Finds the REST API (Link header, /wp-json/, ?rest_route=/), reads /wp/v2/types and /wp/v2/taxonomies, and counts each collection from X-WP-Total with one request each; or reads the IGNY8 plugin's /wp-json/igny8/v1/site-metadata/ (--source plugin, or auto when it answers the site API key).

Included: public, REST-visible post types and taxonomies, without WordPress internals (attachment, nav_menu_item, wp_* types, nav_menu …). Counts are published items. post, page, category and post_tag are enabled with fetch limit 100, the rest disabled with 50; --enable, --disable and --fetch-limit change that.

Which WordPress: --wp-url, else IGNY8_WP_URL, else the WordPress URL of --site's integration (any site the login can see), else the profile's; with none of these, the WordPress URL of the configured integration (IGNY8_INTEGRATION_ID or the profile's) as the backend has it.

The result is the body IGNY8's update-structure expects; --output writes it to a file.`

  static override examples = [
    {description: 'Read a site anonymously', command: '<%= config.bin %> <%= command.id %> --wp-url https://example.com'},
    {description: 'Enable products and keep the JSON', command: '<%= config.bin %> <%= command.id %> --enable product,product_cat --fetch-limit product=200 --output structure.json'},
    {description: 'Read another site of the login, at its integration\'s WordPress URL', command: '<%= config.bin %> <%= command.id %> --site 17'},
    {description: 'Authenticate with an application password', command: 'printf \'%s\' "$WP_APP_PASSWORD" | <%= config.bin %> <%= command.id %> --wp-user editor --wp-app-password-stdin'},
    {description: 'Slugs and counts as CSV, with a header', command: '<%= config.bin %> <%= command.id %> --format csv --fields kind,slug,count'},
  ]

  static override flags = {
    ...gatherFlags,
    site: siteFlag,
    'api-url': apiUrlFlag,
    output: Flags.string({char: 'o', description: 'Also write the result (JSON) to this file, atomically.', helpValue: 'FILE'}),
    ...formatFlags({fields: STRUCTURE_FIELDS.join(', '), inPipe: 'rows'}),
    ...timeoutFlags,
  }

  public async run(): Promise<StructurePayload> {
    const {flags} = this
    // A typo in the selection flags is reported before anything is sent.
    parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']})
    const output = chooseOutput({format: flags.format, fields: flags.fields, json: this.jsonEnabled(), valid: STRUCTURE_FIELDS, rowsInPipe: true})
    const context = await this.gatherContext()
    let backend: Promise<BackendContext> | undefined
    const openBackend = (): Promise<BackendContext> => {
      backend ??= this.openBackend({apiUrl: flags['api-url'], allowHttp: flags['allow-http']})
      return backend
    }

    // --site: IGNY8_INTEGRATION_ID still wins over the site's own integration.
    const site = flags.site === undefined ? undefined : await chooseSiteById(await openBackend(), flags.site, resolveIntegrationId(undefined, undefined, () => {}))
    const {inputs, origin} = await resolveWordPressTarget({flags, context, site, backend: openBackend})
    if (origin) this.progress(`WordPress URL from ${origin}: ${inputs.siteUrl.href}`)
    const {payload, report} = await gatherWith(inputs, context)
    if (flags.output) writeOutputFile(flags.output, jsonText(payload))
    if (output.kind === 'rows') {
      const text = formatRows(structureRows(payload), output)
      if (text !== '') this.log(text)
    } else if (!this.jsonEnabled()) {
      this.log(renderStructureTables(payload))
    }

    if (report.pluginSkipped) this.progress(`IGNY8 plugin not used: ${report.pluginSkipped}.`)
    this.progress(describeOrigin(report))
    if (flags.output) this.progress(`Wrote ${flags.output}.`)
    for (const warning of report.warnings) this.notice(warning)
    return payload
  }
}
