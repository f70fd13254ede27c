/**
 * A real WordPress for end-to-end tests, through scripts/wordpress.sh: a running lab is reused
 * (`wordpress.sh env` succeeds), otherwise one is brought up once per test run on IGNY8_TEST_WP_PORT
 * (default 8089) and stopped when the run ends (unless IGNY8_TEST_WP_KEEP=1). WPLAB_DIR, passed through,
 * picks another lab. withRestMode()/withPermalinks() switch the lab and always switch it back.
 */
import {execFile, spawnSync} from 'node:child_process'
import path from 'node:path'
import {promisify} from 'node:util'

import {ROOT} from './cli.js'

const run = promisify(execFile)
const SCRIPT = path.join(ROOT, 'scripts', 'wordpress.sh')

/** The lab's `KEY=value` lines (WP_URL, WP_APP_PASSWORD, EXPECT_POSTS, …). */
export type WordPressEnv = Record<string, string> & {
  WP_URL: string
  WP_REST_URL: string
  WP_VERSION: string
  WP_ADMIN_USER: string
  WP_APP_PASSWORD: string
  WP_SUBSCRIBER_USER: string
  WP_SUBSCRIBER_APP_PASSWORD: string
}

export type RestMode = 'on' | 'strict' | 'auth' | 'off'

let lab: Promise<WordPressEnv> | undefined
let startedHere = false

async function script(args: string[], timeoutMs = 60_000): Promise<string> {
  const {stdout} = await run('bash', [SCRIPT, ...args], {cwd: ROOT, timeout: timeoutMs, maxBuffer: 1024 * 1024})
  return stdout
}

export function parseEnv(text: string): WordPressEnv {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (match) env[match[1]!] = match[2]!
  }

  for (const key of ['WP_URL', 'WP_APP_PASSWORD', 'WP_ADMIN_USER', 'EXPECT_POSTS']) {
    if (!env[key]) throw new Error(`scripts/wordpress.sh printed no ${key}:\n${text}`)
  }

  return env as WordPressEnv
}

/**
 * The running lab's settings, starting a lab first when none runs. Read afresh on every call: other
 * suites add posts (EXPECT_POSTS grows) or switch permalinks.
 */
export async function ensureWordPress(): Promise<WordPressEnv> {
  if (!lab) {
    lab = startOrReuse()
    lab.catch(() => {
      lab = undefined // a later caller may try again
    })
  }

  await lab
  return wordPressEnv()
}

async function startOrReuse(): Promise<WordPressEnv> {
  try {
    return parseEnv(await script(['env']))
  } catch {
    const port = process.env.IGNY8_TEST_WP_PORT ?? '8089'
    // Installing the packages (first run on a fresh machine) takes a minute or two.
    const env = parseEnv(await script(['up', port], 600_000))
    startedHere = true
    return env
  }
}

/** Fresh settings (EXPECT_* change after add-posts, WP_REST_URL after permalinks). */
export async function wordPressEnv(): Promise<WordPressEnv> {
  return parseEnv(await script(['env']))
}

/** Publishes `count` more posts in the running lab; resolves with the new published total. */
export async function addPosts(count: number): Promise<number> {
  const line = (await script(['add-posts', String(count)])).split('\n').find((l) => l.startsWith('EXPECT_POSTS='))
  if (!line) throw new Error('scripts/wordpress.sh add-posts printed no EXPECT_POSTS')
  return Number(line.slice('EXPECT_POSTS='.length))
}

export async function setRestMode(mode: RestMode): Promise<void> {
  await script(['rest-mode', mode])
}

export async function setPermalinks(mode: 'pretty' | 'plain'): Promise<void> {
  await script(['permalinks', mode])
}

/** Runs `work` with the lab's REST API in `mode`, then back to stock WordPress (`on`). */
export async function withRestMode<T>(mode: RestMode, work: () => Promise<T>): Promise<T> {
  await setRestMode(mode)
  try {
    return await work()
  } finally {
    await setRestMode('on')
  }
}

/** Runs `work` with the given permalinks, then back to what the lab had. */
export async function withPermalinks<T>(mode: 'pretty' | 'plain', work: () => Promise<T>): Promise<T> {
  const before = (await wordPressEnv()).WP_REST_URL.includes('rest_route') ? 'plain' : 'pretty'
  await setPermalinks(mode)
  try {
    return await work()
  } finally {
    await setPermalinks(before)
  }
}

// A lab this run started is stopped when the run ends; a lab that was already running is left alone.
process.once('exit', () => {
  if (startedHere && process.env.IGNY8_TEST_WP_KEEP !== '1') spawnSync('bash', [SCRIPT, 'down'], {cwd: ROOT, stdio: 'ignore', timeout: 30_000})
})
