/**
 * Property-based fuzzing (fast-check) of what `structure push --from-file` accepts: loadPayloadFile()
 * (src/lib/sync/push.ts) over structurePayloadSchema. Every input either validates — and then comes back
 * as the same data, ready to send — or is rejected with a CliError, exit 2, whose message names the field
 * path (`post_types.product.count: …`, or `(top level): …`). Nothing may crash or throw anything else.
 */
import {expect} from 'chai'
import * as fc from 'fast-check'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {structurePayloadSchema} from '../../../src/lib/backend/contract.js'
import {CliError} from '../../../src/lib/errors.js'
import {loadPayloadFile, payloadPath} from '../../../src/lib/sync/push.js'

type Json = Record<string, unknown>

const SLUG = /^[a-z0-9_-]{1,64}$/
const FIELDS = ['label', 'count', 'enabled', 'fetch_limit'] as const
type Field = (typeof FIELDS)[number]

// ------------------------------------------------------------------------------------------------
// Arbitraries
// ------------------------------------------------------------------------------------------------

// `__proto__` is a slug too; the Object.prototype property below covers it.
const slug = fc.stringMatching(SLUG).filter((key) => key !== '__proto__')
const item = fc.record({
  label: fc.string({maxLength: 40}),
  count: fc.nat(),
  enabled: fc.boolean(),
  fetch_limit: fc.integer({min: 1, max: 100_000}),
})
const collection = fc.dictionary(slug, item, {maxKeys: 8, noNullPrototype: true})
const timestamp = fc
  .date({min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true})
  .chain((date) => fc.constantFrom(date.toISOString(), date.toISOString().replace(/\.\d{3}Z$/, 'Z'), date.toISOString().replace('Z', '+00:00')))

const validPayload: fc.Arbitrary<Json> = fc.record(
  {
    post_types: collection,
    taxonomies: collection,
    timestamp,
    site_url: fc.webUrl(),
    wordpress_version: fc.stringMatching(/^\d\.\d(\.\d{1,2})?$/),
    plugin_connection_enabled: fc.boolean(),
    two_way_sync_enabled: fc.boolean(),
  },
  {requiredKeys: ['post_types', 'taxonomies', 'timestamp'], noNullPrototype: true},
)

const notAnInteger = fc.double({min: -1e6, max: 1e6, noNaN: true}).filter((x) => !Number.isInteger(x))
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), {maxLength: 2}), fc.dictionary(fc.string(), fc.nat(), {maxKeys: 2}))

/** Values each field must refuse. */
const wrongValue: Record<Field, fc.Arbitrary<unknown>> = {
  label: notAString,
  count: fc.oneof(fc.integer({max: -1}), notAnInteger, fc.string(), fc.boolean(), fc.constant(null), fc.constant([1])),
  enabled: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant('true'), fc.constant([])),
  fetch_limit: fc.oneof(fc.integer({max: 0}), notAnInteger, fc.string(), fc.constant(null), fc.constant('100')),
}

/** Keys that are not slugs: capitals, spaces, punctuation, too long, empty. */
const notASlug = fc.oneof(
  fc.string({minLength: 1, maxLength: 20}).filter((key) => !SLUG.test(key) && key !== '__proto__'),
  fc.stringMatching(/^[a-z]{65,80}$/),
  fc.constantFrom('', 'Product', 'my type', 'post.type', 'café', 'post/type'),
)

/** Keys that name Object.prototype members: fine as slugs, never to be lost or to pollute. */
const awkwardKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf', '__defineGetter__')

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

let dir: string
let counter = 0

function writeFile(content: string | Buffer): string {
  const file = path.join(dir, `payload-${++counter}.json`)
  fs.writeFileSync(file, content)
  return file
}

type Outcome = {ok: true; value: Json} | {ok: false; error: CliError}

/** Loads, and turns anything that is not the contract (a resolve, or a CliError exit 2) into a failure. */
async function load(content: string | Buffer): Promise<Outcome> {
  const file = writeFile(content)
  try {
    return {ok: true, value: (await loadPayloadFile(file)) as Json}
  } catch (error) {
    if (!(error instanceof CliError)) throw new Error(`not a CliError: ${(error as Error)?.stack ?? String(error)}`)
    expect(error.exitCode, error.message).to.equal(2)
    expect(error.code).to.be.oneOf(['structure_invalid', 'structure_file_unreadable'])
    expect(error.message).to.not.include('Unexpected internal error')
    return {ok: false, error}
  } finally {
    fs.rmSync(file, {force: true})
  }
}

/** The message names where the problem is: a field path, `(top level)`, or (for bad JSON) the syntax error. */
const SEGMENT = String.raw`(\.?[\w-]+|\[(\d+|"(?:[^"\\]|\\.)*")\])`
const NAMES_A_PATH = new RegExp(String.raw`^Invalid structure in \S+: (\(top level\)|${SEGMENT}+): \S`)
const NOT_JSON = /^The structure in \S+ is not valid JSON: /

/** What loadPayloadFile throws for `file`; a failure when it loads. */
async function loadError(file: string): Promise<unknown> {
  try {
    await loadPayloadFile(file)
  } catch (error) {
    return error
  }

  return expect.fail(`${file} loaded`)
}

function expectRejection(outcome: Outcome, pathName?: string): string {
  expect(outcome.ok, 'rejected').to.equal(false)
  const {message} = (outcome as {error: CliError}).error
  expect(message).to.match(NAMES_A_PATH)
  if (pathName !== undefined) expect(message).to.include(`${pathName}: `)
  return message
}

/** A deep copy. The payloads are JSON data (strings, integers, booleans, plain objects): the same as a JSON round trip. */
const clone = <T>(value: T): T => structuredClone(value)

/** A valid payload with one post type and no taxonomies. */
const valid = (): Json => ({
  post_types: {post: {label: 'Posts', count: 1, enabled: true, fetch_limit: 100}},
  taxonomies: {},
  timestamp: '2025-11-22T10:00:00Z',
})

// ------------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------------

describe('fuzz: structure files (loadPayloadFile, structurePayloadSchema)', function () {
  this.timeout(120_000)

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-fuzz-'))
  })

  after(() => {
    fs.rmSync(dir, {recursive: true, force: true})
  })

  it('every valid payload loads, unchanged, and still matches the schema', async () => {
    await fc.assert(
      fc.asyncProperty(validPayload, async (payload) => {
        const outcome = await load(JSON.stringify(payload, null, 2))
        expect(outcome.ok, outcome.ok ? '' : outcome.error.message).to.equal(true)
        const {value} = outcome as {value: Json}
        expect(value).to.deep.equal(clone(payload))
        expect(structurePayloadSchema.safeParse(value).success).to.equal(true)
      }),
      {numRuns: 150},
    )
  })

  it('`structure gather --json` output (with its warnings) loads as the payload alone', async () => {
    await fc.assert(
      fc.asyncProperty(validPayload, fc.array(fc.string(), {maxLength: 3}), async (payload, warnings) => {
        const outcome = await load(JSON.stringify({...payload, warnings}))
        expect(outcome.ok).to.equal(true)
        expect((outcome as {value: Json}).value).to.deep.equal(clone(payload))
      }),
      {numRuns: 50},
    )
  })

  it('a wrong value in any field of any item is rejected, naming `kind.slug.field`', async () => {
    const mutation = fc
      .tuple(validPayload, fc.constantFrom('post_types', 'taxonomies'), slug, item, fc.constantFrom(...FIELDS))
      .chain(([payload, kind, target, base, field]) => fc.tuple(fc.constant(payload), fc.constant(kind), fc.constant(target), fc.constant(base), fc.constant(field), wrongValue[field]))
    await fc.assert(
      fc.asyncProperty(mutation, async ([payload, kind, target, base, field, bad]) => {
        const broken = clone(payload) as Record<string, Record<string, Json>>
        broken[kind] = {...broken[kind], [target]: {...base, [field]: bad}}
        expectRejection(await load(JSON.stringify(broken)), payloadPath([kind, target, field]))
      }),
      {numRuns: 300},
    )
  })

  it('a missing field of an item is rejected, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(validPayload, slug, item, fc.constantFrom(...FIELDS), async (payload, target, base, field) => {
        const {[field]: _gone, ...rest} = base
        const broken = {...clone(payload), post_types: {...(payload.post_types as Json), [target]: rest}}
        expectRejection(await load(JSON.stringify(broken)), payloadPath(['post_types', target, field]))
      }),
      {numRuns: 100},
    )
  })

  it('a key that is not a WordPress slug is rejected, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(validPayload, fc.constantFrom('post_types', 'taxonomies'), notASlug, item, async (payload, kind, key, base) => {
        const broken = {...clone(payload), [kind]: {...(payload[kind] as Json), [key]: base}}
        const message = expectRejection(await load(JSON.stringify(broken)), payloadPath([kind, key]))
        expect(message).to.include('not a WordPress slug')
      }),
      {numRuns: 150},
    )
  })

  it('missing or mistyped top-level fields are rejected, naming them', async () => {
    /** The field left out (deleted from the payload below). */
    const LEFT_OUT = undefined
    const top = fc.oneof(
      fc.record({field: fc.constantFrom('post_types', 'taxonomies'), value: fc.oneof(fc.constant(LEFT_OUT), fc.constant(null), fc.array(item, {maxLength: 2}), fc.string(), fc.integer())}),
      fc.record({field: fc.constant('timestamp'), value: fc.oneof(fc.constant(LEFT_OUT), fc.string().filter((s) => !/^\d{4}-/.test(s)), fc.integer(), fc.constant('2025-13-45T99:00:00Z'), fc.constant('yesterday'))}),
      fc.record({field: fc.constantFrom('plugin_connection_enabled', 'two_way_sync_enabled'), value: fc.oneof(fc.string(), fc.integer(), fc.constant(null))}),
      fc.record({field: fc.constantFrom('site_url', 'wordpress_version'), value: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null))}),
    )
    await fc.assert(
      fc.asyncProperty(validPayload, top, async (payload, {field, value}) => {
        const broken = {...clone(payload), [field]: value}
        if (value === undefined) delete broken[field]
        expectRejection(await load(JSON.stringify(broken)), field)
      }),
      {numRuns: 200},
    )
  })

  it('any JSON value at all: validates, or is rejected naming a path — never a crash', async () => {
    const shaped = fc.oneof(
      fc.jsonValue({maxDepth: 5}),
      fc.record({post_types: fc.jsonValue({maxDepth: 3}), taxonomies: fc.jsonValue({maxDepth: 3}), timestamp: fc.oneof(timestamp, fc.jsonValue({maxDepth: 1}))}),
      fc.record({post_types: fc.dictionary(fc.oneof(slug, fc.string()), fc.jsonValue({maxDepth: 2}), {maxKeys: 4}), taxonomies: collection, timestamp}),
    )
    await fc.assert(
      fc.asyncProperty(shaped, async (value) => {
        const outcome = await load(JSON.stringify(value))
        if (outcome.ok) expect(structurePayloadSchema.safeParse(outcome.value).success).to.equal(true)
        else expectRejection(outcome)
      }),
      {numRuns: 400},
    )
  })

  it('any text or bytes at all: validates, or exit 2 with a path or the JSON syntax error — never a crash', async () => {
    const content = fc.oneof(
      fc.string({unit: 'binary', maxLength: 200}),
      fc.uint8Array({maxLength: 200}).map((bytes) => Buffer.from(bytes)),
      validPayload.map((payload) => JSON.stringify(payload)).chain((text) => fc.nat({max: text.length}).map((cut) => text.slice(0, cut))),
      fc.jsonValue({maxDepth: 3}).map((value) => ` \n\t${JSON.stringify(value)}\n`),
    )
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        const outcome = await load(text)
        if (!outcome.ok && !NOT_JSON.test(outcome.error.message)) expectRejection(outcome)
      }),
      {numRuns: 400},
    )
  })

  it('keys named like Object.prototype members are kept as data or rejected — never silently dropped', async () => {
    const placed = fc.tuple(validPayload, awkwardKey, fc.constantFrom('top', 'post_types', 'taxonomies', 'item'), item)
    await fc.assert(
      fc.asyncProperty(placed, async ([payload, key, where, base]) => {
        // Computed keys make own properties, even `__proto__` (as JSON.parse does).
        const sent: Json =
          where === 'top'
            ? {[key]: {label: 'x'}, ...payload}
            : where === 'item'
              ? {...payload, post_types: {post: {[key]: 1, ...base}}}
              : {...payload, [where]: {[key]: base, ...(payload[where] as Json)}}
        const text = JSON.stringify(sent)
        const outcome = await load(text)
        if (outcome.ok) {
          const container = where === 'top' ? outcome.value : where === 'item' ? (outcome.value.post_types as Json).post : outcome.value[where]
          expect(Object.hasOwn(container as object, key), `${where}.${key} kept`).to.equal(true)
          const sentText = JSON.stringify(outcome.value)
          expect(JSON.parse(sentText), 'what would be sent').to.deep.equal(JSON.parse(text))
        } else {
          expectRejection(outcome, payloadPath(where === 'top' ? [key] : where === 'item' ? ['post_types', 'post', key] : [where, key]))
          expect(outcome.error.message).to.match(key === '__proto__' ? /"__proto__" is not accepted/ : /not a WordPress slug/)
        }

        expect(({} as Record<string, unknown>).label, 'Object.prototype untouched').to.equal(undefined)
      }),
      {numRuns: 150},
    )
  })

  describe('hand-picked edge cases', () => {
    it('a UTF-8 byte-order mark is accepted', async () => {
      const outcome = await load(`\uFEFF${JSON.stringify(valid())}`)
      expect(outcome.ok).to.equal(true)
    })

    it('an empty file, whitespace, `null`, an array: rejected', async () => {
      const texts = ['', '   \n', 'null', '[]', '"post_types"', '42']
      const outcomes = await Promise.all(texts.map((text) => load(text)))
      for (const [i, outcome] of outcomes.entries()) expect(outcome.ok, texts[i]).to.equal(false)

      expectRejection(await load('[]'), '(top level)')
    })

    it('numbers JSON can write but a count cannot be: 1e400, -0.5, 1.5, -1', async () => {
      const outcomes = await Promise.all(['1e400', '-0.5', '1.5', '-1'].map((raw) => load(JSON.stringify(valid()).replace('"count":1', `"count":${raw}`))))
      for (const outcome of outcomes) expectRejection(outcome, 'post_types.post.count')

      // -0 is a non-negative integer to JSON.parse: accepted.
      expect((await load(JSON.stringify(valid()).replace('"count":1', '"count":-0'))).ok).to.equal(true)
    })

    it('an extra field nested 100 000 deep: rejected (it could not be sent), not a crash', async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000)
      const text = JSON.stringify(valid()).replace('"fetch_limit":100', `"fetch_limit":100,"extra":${deep}`)
      expectRejection(await load(text), 'post_types.post.extra')
    })

    it('a 5 MB label and 10 000 post types load', async () => {
      const many = Object.fromEntries(Array.from({length: 10_000}, (_, i) => [`type-${i}`, {label: `T${i}`, count: i, enabled: false, fetch_limit: 50}]))
      const outcome = await load(JSON.stringify({...valid(), post_types: {...many, post: {label: 'x'.repeat(5_000_000), count: 1, enabled: true, fetch_limit: 1}}}))
      expect(outcome.ok).to.equal(true)
    })

    it('a missing file and a folder: exit 2, naming the file', async () => {
      const files = [path.join(dir, 'nope.json'), dir]
      const errors = await Promise.all(files.map((file) => loadError(file)))
      for (const [i, error] of errors.entries()) {
        expect(error).to.be.instanceOf(CliError)
        expect((error as CliError).exitCode).to.equal(2)
        expect((error as CliError).message).to.include(files[i])
      }
    })
  })
})
