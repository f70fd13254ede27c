import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import type {StructurePayload} from '../../lib/backend/contract.js'
import {jsonText, writeOutputFile} from '../../lib/files.js'
import {gatherFlags} from '../../lib/flags.js'
import {renderStructureTables} from '../../lib/output/structure-table.js'
import {describeOrigin} from '../../lib/structure/report.js'
import {runGather} from '../../lib/structure/run-gather.js'
import {parseOverrides} from '../../lib/structure/selection.js'

export default class StructureGather extends BaseCommand<typeof StructureGather> {
  static override hiddenAliases = ['gather-structure']

  static override summary = 'Read a WordPress site\'s post types and taxonomies, with their counts.'

  static override description = `Finds the REST API (Link header, /wp-json/, ?rest_route=/), reads /wp/v2/types and /wp/v2/taxonomies, and counts each collection from X-WP-Total with one request each; or reads the IGNY8 plugin's /wp-json/igny8/v1/site-metadata/ (--source plugin, or auto when it answers the site API key).

Included: public, REST-visible post types and taxonomies, without WordPress internals (attachment, nav_menu_item, wp_* types, nav_menu …). Counts are published items. post, page, category and post_tag are enabled with fetch limit 100, the rest disabled with 50; --enable, --disable and --fetch-limit change that.

The result is the body IGNY8's update-structure expects; --output writes it to a file.`

  static override examples = [
    {description: 'Read a site anonymously', command: '<%= config.bin %> <%= command.id %> --wp-url https://example.com'},
    {description: 'Enable products and keep the JSON', command: '<%= config.bin %> <%= command.id %> --enable product,product_cat --fetch-limit product=200 --output structure.json'},
    {description: 'Authenticate with an application password', command: 'printf \'%s\' "$WP_APP_PASSWORD" | <%= config.bin %> <%= command.id %> --wp-user editor --wp-app-password-stdin'},
  ]

  static override flags = {
    ...gatherFlags,
    output: Flags.string({char: 'o', description: 'Also write the result (JSON) to this file, atomically.', helpValue: 'FILE'}),
  }

  public async run(): Promise<StructurePayload> {
    const {flags} = this
    // A typo in the selection flags is reported before anything is sent.
    parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']})
    const {payload, report} = await runGather(flags, await this.gatherContext())
    if (flags.output) writeOutputFile(flags.output, jsonText(payload))
    if (!this.jsonEnabled()) this.log(renderStructureTables(payload))

    if (report.pluginSkipped) this.progress(`IGNY8 plugin not used: ${report.pluginSkipped}.`)
    this.progress(describeOrigin(report))
    if (flags.output) this.progress(`Wrote ${flags.output}.`)
    for (const warning of report.warnings) this.notice(warning)
    return payload
  }
}
