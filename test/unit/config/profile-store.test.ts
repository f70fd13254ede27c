import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import {ProfileStore} from '../../../src/lib/config/profile-store.js'
import {CliError} from '../../../src/lib/errors.js'

/** A folder under this test's IGNY8_CONFIG_DIR (the root hooks give every test a fresh one). */
const dir = (): string => path.join(process.env.IGNY8_CONFIG_DIR!, 'nested')

describe('ProfileStore', () => {
  it('creates the folder 0700 and the file 0600, and keeps several profiles', async () => {
    const store = await ProfileStore.open(dir())
    await store.update('default', () => ({apiUrl: 'https://a.test/api/v1', secrets: {apiKey: 'k-1234'}}))
    await store.update('ci', () => ({apiUrl: 'https://b.test/api/v1'}))
    expect(fs.statSync(dir()).mode & 0o777).to.equal(0o700)
    expect(fs.statSync(store.file).mode & 0o777).to.equal(0o600)
    expect(Object.keys(store.list()).sort()).to.deep.equal(['ci', 'default'])
    expect(store.get('default')?.secrets?.apiKey).to.equal('k-1234')
  })

  it('restores mode 0600 after a write even when the file was made world-readable', async () => {
    const store = await ProfileStore.open(dir())
    await store.update('default', () => ({}))
    fs.chmodSync(store.file, 0o644)
    expect(store.permissionWarning()).to.include('chmod 600')
    await store.update('default', (p) => ({...p, wpUser: 'admin'}))
    expect(fs.statSync(store.file).mode & 0o777).to.equal(0o600)
  })

  it('reports invalid JSON naming the file and leaves it byte-identical', async () => {
    fs.mkdirSync(dir(), {recursive: true})
    const file = path.join(dir(), 'config.json')
    fs.writeFileSync(file, '{"profiles": {"default": ', {mode: 0o600})
    const store = await ProfileStore.open(dir()).catch((error: unknown) => error)
    const error = store instanceof ProfileStore ? await store.update('x', () => ({})).catch((error_: unknown) => error_) : store
    expect(error).to.be.instanceOf(CliError)
    expect((error as CliError).exitCode).to.equal(2)
    expect((error as CliError).message).to.include(file)
    expect(fs.readFileSync(file, 'utf8')).to.equal('{"profiles": {"default": ')
  })

  it('reports a file of the wrong shape and never resets it', async () => {
    fs.mkdirSync(dir(), {recursive: true})
    const file = path.join(dir(), 'config.json')
    fs.writeFileSync(file, '{"profiles": {"default": {"integrationId": "seven"}}}', {mode: 0o600})
    const store = await ProfileStore.open(dir())
    const error = await store.update('other', () => ({})).catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(CliError)
    expect((error as CliError).message).to.include('profiles.default.integrationId')
    expect(fs.readFileSync(file, 'utf8')).to.include('"seven"')
  })

  it('reads without writing: no file is created by reading, and reads see other processes\' writes', async () => {
    const reader = await ProfileStore.open(dir())
    expect(reader.list()).to.deep.equal({})
    expect(reader.get('default')).to.equal(undefined)
    expect(fs.existsSync(reader.file)).to.equal(false)
    const writer = await ProfileStore.open(dir())
    await writer.update('default', () => ({apiUrl: 'https://a.test/api/v1'}))
    expect(reader.get('default')?.apiUrl).to.equal('https://a.test/api/v1')
    await reader.update('default', (p) => ({...p, wpUser: 'editor'}))
    expect(writer.get('default')).to.include({apiUrl: 'https://a.test/api/v1', wpUser: 'editor'})
  })

  it('reports an empty file as unreadable instead of treating it as no profiles', async () => {
    fs.mkdirSync(dir(), {recursive: true})
    const file = path.join(dir(), 'config.json')
    fs.writeFileSync(file, '', {mode: 0o600})
    const store = await ProfileStore.open(dir())
    const error = (() => {
      try {
        store.list()
      } catch (error_) {
        return error_
      }
    })()
    expect(error).to.be.instanceOf(CliError)
    expect((error as CliError).code).to.equal('config_corrupt')
    expect(fs.readFileSync(file, 'utf8')).to.equal('')
  })

  it('reports JSON that is not an object (null, an array, a string) instead of reading it as no profiles, and never writes over it', async () => {
    fs.mkdirSync(dir(), {recursive: true})
    const file = path.join(dir(), 'config.json')
    for (const content of ['null', '[{"profiles": {}}]', '"profiles"']) {
      fs.writeFileSync(file, content, {mode: 0o600})
      // eslint-disable-next-line no-await-in-loop -- each content is written to the same config.json, then opened: one case at a time
      const store = await ProfileStore.open(dir())
      expect(() => store.list(), content).to.throw(CliError).with.property('code', 'config_corrupt')
      // eslint-disable-next-line no-await-in-loop -- the file must still hold this content (checked next) before the next case overwrites it
      const error = await store.update('default', () => ({})).catch((error_: unknown) => error_)
      expect((error as CliError).code, content).to.equal('config_corrupt')
      expect(fs.readFileSync(file, 'utf8')).to.equal(content)
    }
  })

  it('a read with no file changes nothing in the folder; what one store writes through conf, another reads', async () => {
    const store = await ProfileStore.open(dir())
    const before = fs.readdirSync(dir())
    expect(store.list()).to.deep.equal({})
    expect(fs.readdirSync(dir())).to.deep.equal(before)
    await store.update('default', () => ({apiUrl: 'https://a.test/api/v1', integrationId: 7}))
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8')).profiles.default).to.include({apiUrl: 'https://a.test/api/v1', integrationId: 7})
    const other = await ProfileStore.open(dir())
    expect(other.get('default')).to.include({apiUrl: 'https://a.test/api/v1', integrationId: 7})
  })

  it('rejects profile names that are not safe', async () => {
    const store = await ProfileStore.open(dir())
    const error = await store.update('../evil', () => ({})).catch((error_: unknown) => error_)
    expect((error as CliError).exitCode).to.equal(2)
  })

  it('loses no update when many writers race', async () => {
    const stores = await Promise.all(Array.from({length: 10}, () => ProfileStore.open(dir())))
    await Promise.all(stores.map((store, i) => store.update(`p${i}`, () => ({apiUrl: `https://${i}.test`}))))
    expect(Object.keys(stores[0]!.list())).to.have.length(10)
  })
})
