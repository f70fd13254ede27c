/** Flags shared by several commands, defined once so their names and help never drift. */
import {Flags} from '@oclif/core'

import {FORMATS} from './output/format.js'

export const apiUrlFlag = Flags.string({
  description: 'IGNY8 API root (env IGNY8_API_URL; default https://api.igny8.com/api/v1).',
  helpValue: 'URL',
})

export const integrationFlag = Flags.integer({
  description: 'WordPress integration id (env IGNY8_INTEGRATION_ID; default: the profile\'s).',
  helpValue: 'ID',
  min: 1,
})

/** Any site the login can see, by id: its integration and WordPress URL come from the backend. */
export const siteFlag = Flags.integer({
  description: 'Work on this site (any the login can see); its integration and WordPress URL come from the backend.',
  helpValue: 'ID',
  min: 1,
})

/** Every command that uses the network. */
export const timeoutFlags = {
  timeout: Flags.string({description: 'Give up on one request after this long (env IGNY8_TIMEOUT; default 10s).', helpValue: 'DURATION'}),
}

/** Fleet runs (`--all-sites`): the bound on one site, so a dead site cannot hold up the run. */
export const siteTimeoutFlag = Flags.string({
  description: 'With --all-sites: give up on one site after this long, retries included (default 30s).',
  helpValue: 'DURATION',
})

export const allowHttpFlag = Flags.boolean({
  description: 'Allow sending credentials over plain http to a host that is not on this machine.',
  default: false,
})

/**
 * The flags that say which WordPress to read and how: `structure gather` defines them, and `structure push`
 * and `integration check` gather with the same ones.
 */
export const gatherFlags = {
  'wp-url': Flags.string({description: 'WordPress site URL (env IGNY8_WP_URL; default: the profile\'s).', helpValue: 'URL'}),
  source: Flags.option({
    description: 'Where to read: the IGNY8 plugin\'s site metadata, core REST, or the plugin when it answers (auto).',
    options: ['auto', 'rest', 'plugin'] as const,
    default: 'auto' as const,
  })(),
  'wp-user': Flags.string({description: 'WordPress user for application-password auth (env IGNY8_WP_USER; optional).', helpValue: 'USER'}),
  'wp-app-password-stdin': Flags.boolean({description: 'Read the WordPress application password from stdin (env IGNY8_WP_APP_PASSWORD).', default: false}),
  enable: Flags.string({description: 'Enable these post types or taxonomies (comma-separated, or repeat the flag).', helpValue: 'SLUG', multiple: true, delimiter: ','}),
  disable: Flags.string({description: 'Disable these post types or taxonomies (comma-separated, or repeat the flag).', helpValue: 'SLUG', multiple: true, delimiter: ','}),
  'fetch-limit': Flags.string({description: 'Fetch limit of one post type or taxonomy (repeatable).', helpValue: 'SLUG=N', multiple: true}),
  concurrency: Flags.integer({description: 'Collections counted at the same time.', default: 8, min: 1, max: 32}),
  'allow-http': allowHttpFlag,
}

/**
 * `--format` and `--fields` of a command whose result is a list (lib/output/format.ts prints it).
 * `fields` names the columns for help; `inPipe` says what a pipe gets without --format: TSV rows when
 * the human output is tables, else the command's report.
 */
export function formatFlags(options: {fields: string; inPipe: 'report' | 'rows'; dependsOn?: string[]}) {
  const otherwise =
    options.inPipe === 'rows'
      ? 'the report on a terminal; tab-separated rows without a header when stdout is not a terminal'
      : 'the report, on a terminal and in a pipe'
  return {
    format: Flags.option({
      description: `Print the rows (and nothing else on stdout) as a table, a JSON array, CSV, TSV or YAML; csv, tsv and table with a header. Without it: ${otherwise}. Not with --json (the whole result).`,
      options: FORMATS,
      dependsOn: options.dependsOn,
    })(),
    fields: Flags.string({
      description: `Columns to print, in this order (comma-separated): ${options.fields}. An unknown one exits 2.`,
      helpValue: 'FIELD,...',
      dependsOn: options.dependsOn,
    }),
  }
}

/** Only errors and the verdict line: no tables, progress or warnings. */
export const quietFlag = Flags.boolean({
  char: 'q',
  description: 'Print only errors and the one-line verdict: no tables, progress or warnings (under --json, warnings stay in the result).',
  default: false,
})
