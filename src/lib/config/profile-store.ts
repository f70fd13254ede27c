/**
 * Named profiles in one JSON file under oclif's config dir (IGNY8_CONFIG_DIR redirects it).
 *
 * One mechanism reads and writes that file: conf. Its atomic write (temp file, fsync, rename, mode 0600)
 * and its JSON read, with zod validating what was read (conf's `deserialize` hook), so there is no
 * second, hand-made reader to drift from what conf writes. A file that is not valid JSON or not of the
 * expected shape is reported (config_corrupt, exit 2) and never reset: conf's clearInvalidConfig stays
 * false, and nothing is written after a failed read. The folder is made 0700 here with makeDirectory
 * (conf's own recursive mkdir would hang under /proc); writes are serialised across processes with a
 * lock file (proper-lockfile), so concurrent `igny8 connect` runs never lose each other's profiles.
 *
 * Reading creates nothing: without defaults conf writes nothing when it is constructed or read, and it
 * is only constructed once there is a file to read, or for a write. The price of one mechanism: every
 * command that reads a profile loads conf, and with it ajv and ajv-formats (conf's schema validator,
 * unused here), atomically, dot-prop, env-paths, semver, debounce-fn and uint8array-extras.
 */
import Conf from 'conf'
import fs from 'node:fs'
import path from 'node:path'
import lockfile from 'proper-lockfile'
import {z} from 'zod'

import {CliError, ExitCode} from '../errors.js'
import {makeDirectory} from '../files.js'
import {registerSecret} from '../secrets.js'

export const storedSecretsSchema = z.looseObject({
  accessToken: z.string().optional(),
  refreshToken: z.string().optional(),
  /** ISO-8601; taken from the JWT `exp` claim. */
  accessTokenExpiresAt: z.string().optional(),
  refreshTokenExpiresAt: z.string().optional(),
  apiKey: z.string().optional(),
  /** The API-key scheme the backend accepted (`Bearer` or `ApiKey`). */
  apiKeyScheme: z.enum(['Bearer', 'ApiKey']).optional(),
  wpAppPassword: z.string().optional(),
})
export type StoredSecrets = z.infer<typeof storedSecretsSchema>
const SECRET_FIELDS = ['accessToken', 'refreshToken', 'apiKey', 'wpAppPassword'] as const

export const profileSchema = z.looseObject({
  apiUrl: z.string().optional(),
  authMethod: z.enum(['jwt', 'api-key']).optional(),
  user: z.looseObject({id: z.number().optional(), email: z.string()}).nullable().optional(),
  site: z.looseObject({id: z.number(), name: z.string(), domain: z.string().nullable().optional()}).optional(),
  integrationId: z.number().int().optional(),
  wordpressUrl: z.string().optional(),
  wpUser: z.string().optional(),
  updatedAt: z.string().optional(),
  secrets: storedSecretsSchema.optional(),
})
export type Profile = z.infer<typeof profileSchema>

const fileSchema = z.looseObject({
  profiles: z.record(z.string(), profileSchema).optional(),
})
type ConfigFile = z.infer<typeof fileSchema>

/** conf's read: JSON, then zod; what does not fit throws, and conf (clearInvalidConfig: false) passes it on. */
function deserialize(text: string): ConfigFile {
  const parsed = fileSchema.safeParse(JSON.parse(text))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unexpected shape'}`)
  }

  return parsed.data
}

export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export class ProfileStore {
  readonly file: string
  private confInstance?: Conf<ConfigFile>

  private constructor(
    readonly dir: string,
  ) {
    this.file = path.join(dir, 'config.json')
  }

  static async open(dir: string): Promise<ProfileStore> {
    try {
      makeDirectory(dir, 0o700)
    } catch (error) {
      throw new CliError(`Cannot create the config folder ${dir}: ${(error as Error).message}`, {
        code: 'config_unwritable',
        exitCode: ExitCode.usage,
        hint: 'Set IGNY8_CONFIG_DIR to a folder you can write.',
      })
    }

    return new ProfileStore(dir)
  }

  /**
   * Reads (through conf) and validates the whole file, as it is now: another process may have written
   * it. No file is no profiles; a broken file is an error, never an empty store.
   */
  read(): ConfigFile {
    if (!this.exists()) return {}
    let data: ConfigFile
    try {
      data = this.conf().store
    } catch (error) {
      throw corruptFile(this.file, error)
    }

    for (const profile of Object.values(data.profiles ?? {})) {
      // The secrets only: their expiry times and the API-key scheme ("Bearer") must stay readable.
      for (const key of SECRET_FIELDS) registerSecret(profile.secrets?.[key])
    }

    return data
  }

  exists(): boolean {
    return fs.existsSync(this.file)
  }

  list(): Record<string, Profile> {
    return this.read().profiles ?? {}
  }

  get(name: string): Profile | undefined {
    return this.list()[name]
  }

  /**
   * Read-modify-write of one profile under an inter-process lock. `mutate` gets the current profile
   * (or undefined) and returns the new one, or undefined to delete it.
   */
  async update(name: string, mutate: (current: Profile | undefined) => Profile | undefined): Promise<Profile | undefined> {
    assertProfileName(name)
    return this.withLock(() => {
      const data = this.read()
      const profiles = {...data.profiles}
      const next = mutate(profiles[name])
      if (next === undefined) delete profiles[name]
      else profiles[name] = {...next, updatedAt: new Date().toISOString()}
      this.write({...data, profiles})
      return profiles[name]
    })
  }

  /** Applies `mutate` to every profile in one locked write. */
  async updateAll(mutate: (name: string, current: Profile) => Profile): Promise<void> {
    await this.withLock(() => {
      const data = this.read()
      const profiles: Record<string, Profile> = {}
      for (const [name, profile] of Object.entries(data.profiles ?? {})) profiles[name] = mutate(name, profile)
      this.write({...data, profiles})
    })
  }

  /** A note when the file or folder can be read by others (someone chmod-ed it, or an old umask). */
  permissionWarning(): string | undefined {
    try {
      const mode = fs.statSync(this.file).mode & 0o777
      if (mode & 0o077) return `${this.file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${this.file}`
    } catch {
      // No file yet: nothing to warn about.
    }

    return undefined
  }

  /** Replaces the file through conf (atomically, mode 0600). Under the lock, after a read() that passed. */
  private write(data: ConfigFile): void {
    let conf: Conf<ConfigFile>
    try {
      conf = this.conf()
    } catch (error) {
      throw corruptFile(this.file, error)
    }

    conf.store = data
    fs.chmodSync(this.dir, 0o700)
    fs.chmodSync(this.file, 0o600)
  }

  /**
   * The conf of the file, made on the first read of an existing file or the first write. Its
   * constructor reads the file (and throws what is then reported as corrupt); with no defaults it
   * writes nothing.
   */
  private conf(): Conf<ConfigFile> {
    this.confInstance ??= new Conf<ConfigFile>({
      cwd: this.dir,
      configName: 'config',
      projectSuffix: '',
      configFileMode: 0o600,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
      deserialize,
    })
    return this.confInstance
  }

  private async withLock<T>(fn: () => T): Promise<T> {
    let release: (() => Promise<void>) | undefined
    try {
      release = await lockfile.lock(this.dir, {
        lockfilePath: path.join(this.dir, 'config.lock'),
        realpath: false,
        stale: 10_000,
        retries: {retries: 60, factor: 1.3, minTimeout: 20, maxTimeout: 500, randomize: true},
      })
    } catch (error) {
      throw new CliError(`Another igny8 process holds the config lock (${path.join(this.dir, 'config.lock')}): ${(error as Error).message}`, {
        code: 'config_locked',
        exitCode: ExitCode.failure,
        hint: 'Try again in a moment; if no igny8 is running, remove the lock folder.',
      })
    }

    try {
      return fn()
    } finally {
      await release()
    }
  }
}

export function assertProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new CliError(`Invalid profile name "${name}": use letters, digits, ".", "_" and "-" (up to 64 characters).`, {
      code: 'invalid_profile_name',
      exitCode: ExitCode.usage,
    })
  }
}

function corruptFile(file: string, error: unknown): CliError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return new CliError(`The config file ${file} cannot be read: ${reason}. It was left untouched.`, {
    code: 'config_corrupt',
    exitCode: ExitCode.usage,
    hint: `Fix the file by hand, or move it aside (mv ${file} ${file}.bak) and run \`igny8 connect\` again.`,
    cause: error,
  })
}
