/**
 * Turns `structure gather` flags (shared with `structure push`) into GatherOptions: flag > environment >
 * profile for the WordPress URL, user, application password and site API key; overrides checked before
 * any request is made.
 */
import type {Profile} from '../config/profile-store.js'
import {notConnectedError, usageError} from '../errors.js'
import {readSecret} from '../input/secret.js'
import {registerSecret} from '../secrets.js'
import type {WpCredentials} from '../wordpress/client.js'
import {parseSiteUrl} from '../wordpress/site-url.js'
import type {GatherOptions, StructureSource} from './gather.js'
import {parseOverrides} from './selection.js'

export interface GatherFlagValues {
  'wp-url'?: string
  source: StructureSource
  'wp-user'?: string
  'wp-app-password-stdin': boolean
  enable?: string[]
  disable?: string[]
  'fetch-limit'?: string[]
  concurrency: number
  'allow-http': boolean
}

/** BaseCommand.setting(): flag > env > stored, with a notice when the environment overrides the profile. */
export type SettingReader = <V>(name: string, sources: {flag?: V; env?: string; stored?: V}) => {value: V | undefined}

export interface GatherInputContext {
  setting: SettingReader
  notice: (message: string) => void
  profileName: string
  profile?: Profile
}

export async function resolveGatherInputs(flags: GatherFlagValues, context: GatherInputContext): Promise<Omit<GatherOptions, 'http'>> {
  const {profile} = context
  const overrides = parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']})
  const wpUrl = context.setting('WordPress URL', {flag: flags['wp-url'], env: 'IGNY8_WP_URL', stored: profile?.wordpressUrl}).value
  if (!wpUrl) {
    throw notConnectedError('No WordPress URL.', 'Pass --wp-url URL, set IGNY8_WP_URL, or store it with `igny8 connect --wp-url URL`.', 'missing_wp_url')
  }

  return {
    siteUrl: parseSiteUrl(wpUrl),
    source: flags.source,
    credentials: await wordPressCredentials(flags, context),
    apiKey: flags.source === 'rest' ? undefined : siteApiKey(context),
    allowHttp: flags['allow-http'],
    concurrency: flags.concurrency,
    overrides,
  }
}

async function wordPressCredentials(flags: GatherFlagValues, context: GatherInputContext): Promise<WpCredentials | undefined> {
  const {profile} = context
  const user = context.setting('WordPress user', {flag: flags['wp-user'], env: 'IGNY8_WP_USER', stored: profile?.wpUser}).value
  const password = await readSecret({
    what: 'the WordPress application password',
    stdinFlag: flags['wp-app-password-stdin'],
    envName: 'IGNY8_WP_APP_PASSWORD',
    // The stored password belongs to the stored user only.
    stored: user !== undefined && user === profile?.wpUser ? profile.secrets?.wpAppPassword : undefined,
    prompt: flags['wp-user'] ? `WordPress application password for ${flags['wp-user']}: ` : undefined,
  })
  if (password?.overridesStored) context.notice(`IGNY8_WP_APP_PASSWORD overrides the WordPress application password stored in profile "${context.profileName}".`)
  if (password && !user) throw usageError('A WordPress application password needs --wp-user (or IGNY8_WP_USER).', undefined, 'missing_wp_user')
  if (user && !password) {
    throw notConnectedError(
      `No application password for WordPress user "${user}".`,
      'Pipe it to --wp-app-password-stdin or set IGNY8_WP_APP_PASSWORD (leave out --wp-user to read the site anonymously).',
      'missing_wp_app_password',
    )
  }

  return user && password ? {user, password: password.value} : undefined
}

function siteApiKey(context: GatherInputContext): string | undefined {
  const key = context.setting('site API key', {env: 'IGNY8_API_KEY', stored: context.profile?.secrets?.apiKey}).value
  registerSecret(key)
  return key
}
