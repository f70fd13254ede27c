/** Flags shared by several commands, defined once so their names and help never drift. */
import {Flags} from '@oclif/core'

export const apiUrlFlag = Flags.string({
  description: 'IGNY8 API root (env IGNY8_API_URL; default https://api.igny8.com/api/v1).',
  helpValue: 'URL',
})

export const integrationFlag = Flags.integer({
  description: 'WordPress integration id (env IGNY8_INTEGRATION_ID; default: the profile\'s).',
  helpValue: 'ID',
  min: 1,
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
  enable: Flags.string({description: 'Enable these post types or taxonomies.', helpValue: 'SLUG,...', multiple: true, delimiter: ','}),
  disable: Flags.string({description: 'Disable these post types or taxonomies.', helpValue: 'SLUG,...', multiple: true, delimiter: ','}),
  'fetch-limit': Flags.string({description: 'Fetch limit of one post type or taxonomy (repeatable).', helpValue: 'SLUG=N', multiple: true}),
  concurrency: Flags.integer({description: 'Collections counted at the same time.', default: 8, min: 1, max: 32}),
  'allow-http': allowHttpFlag,
}
