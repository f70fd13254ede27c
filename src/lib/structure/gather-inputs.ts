/**
 * Turns `structure gather` flags (shared with `structure push`) into GatherOptions: flag > environment >
 * profile for the WordPress URL, user, application password and site API key; overrides checked before
 * any request is made.
 */
import type {Profile} from '../config/profile-store.js'
import type {WpCredentials} from '../wordpress/client.js'
import type {GatherOptions, StructureSource} from './gather.js'

import {notConnectedError, usageError} from '../errors.js'
import {readSecret} from '../input/secret.js'
import {registerSecret} from '../secrets.js'
import {parseSiteUrl} from '../wordpress/site-url.js'
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

/** Everything a gather needs except the HTTP client. */
export type GatherInputs = Omit<GatherOptions, 'http'>

export async function resolveGatherInputs(flags: GatherFlagValues, context: GatherInputContext): Promise<GatherInputs> {
  const {profile} = context
  const overrides = parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']})
  const wpUrl = context.setting('WordPress URL', {flag: flags['wp-url'], env: 'IGNY8_WP_URL', stored: profile?.wordpressUrl}).value
  if (!wpUrl) {
    throw notConnectedError('No WordPress URL.', 'Pass --wp-url URL or --site ID, set IGNY8_WP_URL, or store it with `igny8 connect --wp-url URL`.', 'missing_wp_url')
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

/** A site chosen by id: where its WordPress is, and whether the configured credentials are its own. */
export interface SiteWordPress {
  url: string
  /** The profile's own site, or the one site a site API key sees (connection/site-target.ts isOwnSite). */
  own: boolean
}

/**
 * The WordPress side of a site chosen by id (`--site`, or each site of `--all-sites`), at `site.url`.
 * The profile's WordPress credentials and site API key (and the environment's) belong to the profile's
 * own site: any other site is read anonymously, so no secret of one site is ever sent to another — unless
 * `credentialFlags` (one site named on the command line) and --wp-user is given for it explicitly.
 */
export async function resolveSiteGatherInputs(flags: GatherFlagValues, context: GatherInputContext, site: SiteWordPress, credentialFlags = false): Promise<GatherInputs> {
  if (site.own) return resolveGatherInputs({...flags, 'wp-url': site.url}, context)
  if (credentialFlags && flags['wp-user']) {
    const inputs = await resolveGatherInputs({...flags, 'wp-url': site.url}, {...context, profile: undefined})
    return {...inputs, apiKey: undefined}
  }

  return {
    siteUrl: parseSiteUrl(site.url),
    source: flags.source,
    allowHttp: flags['allow-http'],
    concurrency: flags.concurrency,
    overrides: parseOverrides({enable: flags.enable, disable: flags.disable, fetchLimit: flags['fetch-limit']}),
  }
}
