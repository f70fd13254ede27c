/**
 * The exact `igny8 connect` line that logs a profile in again, for the hints of expired, rejected or
 * missing credentials. `connect` on an existing profile reuses its API URL, email, site, integration and
 * WordPress settings, so the line only says where the secret comes from: a hidden prompt on a terminal,
 * else stdin (the password for an email + password profile, the site API key for a key profile).
 * `--profile` is left out for the default profile.
 */
import type {Profile} from '../config/profile-store.js'

import {canPrompt} from '../input/secret.js'

export interface ReconnectOptions {
  /** A terminal can answer a hidden prompt (default: stdin and stderr are TTYs). */
  terminal?: boolean
}

export function reconnectCommand(profileName: string, profile: Pick<Profile, 'authMethod' | 'user'> | undefined, options: ReconnectOptions = {}): string {
  // Profile names are [A-Za-z0-9._-] (profile-store.ts PROFILE_NAME): nothing to quote.
  const command = `igny8 connect${profileName === 'default' ? '' : ` --profile ${profileName}`}`
  if (options.terminal ?? canPrompt()) return command
  if (profile?.authMethod === 'api-key') return `printf '%s' "$IGNY8_API_KEY" | ${command} --api-key-stdin`
  // A profile that never held a login does not know the email yet.
  const email = profile?.authMethod === 'jwt' && profile.user?.email ? '' : ' --email EMAIL'
  return `printf '%s' "$IGNY8_PASSWORD" | ${command}${email} --password-stdin`
}
