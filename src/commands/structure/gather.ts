import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatherFlags} from '../../lib/flags.js'

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

  public async run(): Promise<import('../../lib/backend/contract.js').StructurePayload> {
    const {flags} = this
    // The home page first, when the flag or the environment names the site: the code below loads
    // while that request is on the wire (see lib/structure/early-home.ts).
    const [{requestHomeEarly}, {parseOverrides}] = await Promise.all([import('../../lib/structure/early-home.js'), import('../../lib/structure/selection.js')])
    // A typo in the selection flags is reported before anything is sent.
    parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']})
    const early = await requestHomeEarly(flags['wp-url'] ?? (process.env.IGNY8_WP_URL || undefined), await this.httpSettings())
    const [{runGather}, {describeOrigin}] = await Promise.all([import('../../lib/structure/run-gather.js'), import('../../lib/structure/report.js')])
    const {payload, report} = await runGather(flags, await this.gatherContext(), early)
    if (flags.output) {
      const {jsonText, writeOutputFile} = await import('../../lib/files.js')
      writeOutputFile(flags.output, jsonText(payload))
    }

    if (!this.jsonEnabled()) {
      // The tables (cli-table3) only when they are printed.
      const {renderStructureTables} = await import('../../lib/output/structure-table.js')
      this.log(renderStructureTables(payload))
    }

    if (report.pluginSkipped) this.progress(`IGNY8 plugin not used: ${report.pluginSkipped}.`)
    this.progress(describeOrigin(report))
    if (flags.output) this.progress(`Wrote ${flags.output}.`)
    for (const warning of report.warnings) this.notice(warning)
    return payload
  }
}
