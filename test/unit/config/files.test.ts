import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {CliError} from '../../../src/lib/errors.js'
import {jsonText, makeDirectory, writeFileAtomic, writeOutputFile} from '../../../src/lib/files.js'

const modeOf = (file: string): number => fs.statSync(file).mode & 0o777

describe('files', () => {
  describe('makeDirectory', () => {
    let base: string

    beforeEach(() => {
      base = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-dirs-'))
    })

    afterEach(() => fs.rmSync(base, {recursive: true, force: true}))

    it('creates missing levels with the mode, and accepts a folder that exists', () => {
      const dir = path.join(base, 'a', 'b', 'c')
      makeDirectory(dir, 0o700)
      makeDirectory(dir, 0o700)
      expect(fs.statSync(dir).isDirectory()).to.equal(true)
      expect(fs.statSync(path.join(base, 'a')).mode & 0o777).to.equal(0o700)
    })

    it('fails on a file in the way', () => {
      fs.writeFileSync(path.join(base, 'file'), '')
      expect(() => makeDirectory(path.join(base, 'file'))).to.throw()
      expect(() => makeDirectory(path.join(base, 'file', 'sub'))).to.throw()
    })

    it('fails with ENOENT where mkdir answers ENOENT under an existing parent (/proc), where fs.mkdirSync(recursive) never returns', function () {
      if (!fs.existsSync('/proc/self')) this.skip()
      expect(() => makeDirectory('/proc/igny8-test/config')).to.throw().with.property('code', 'ENOENT')
    })
  })

  describe('writeFileAtomic', () => {
    let base: string

    beforeEach(() => {
      base = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-write-'))
    })

    afterEach(() => fs.rmSync(base, {recursive: true, force: true}))

    it('replaces a file whole, leaving nothing else in the folder', () => {
      const file = path.join(base, 'out.json')
      fs.writeFileSync(file, 'old content that is longer than the new one')
      writeFileAtomic(file, 'new', {mode: 'keep'})
      expect(fs.readFileSync(file, 'utf8')).to.equal('new')
      expect(fs.readdirSync(base)).to.deep.equal(['out.json'])
    })

    it('mode "keep": an existing file keeps its mode, a new one gets 0644', () => {
      const kept = path.join(base, 'kept.xml')
      fs.writeFileSync(kept, 'old')
      fs.chmodSync(kept, 0o640)
      writeFileAtomic(kept, 'new', {mode: 'keep'})
      expect(modeOf(kept)).to.equal(0o640)
      const fresh = path.join(base, 'fresh.xml')
      writeFileAtomic(fresh, 'new', {mode: 'keep'})
      expect(modeOf(fresh)).to.equal(0o644)
    })

    it('a given mode is applied, whatever the file had', () => {
      const file = path.join(base, 'state.json')
      fs.writeFileSync(file, '{}', {mode: 0o644})
      writeFileAtomic(file, '{"a": 1}', {mode: 0o600})
      expect(modeOf(file)).to.equal(0o600)
    })

    it('creates missing folders only when given their mode', () => {
      const nested = path.join(base, 'a', 'b', 'state.json')
      expect(() => writeFileAtomic(nested, 'x', {mode: 0o600})).to.throw().with.property('code', 'ENOENT')
      expect(fs.readdirSync(base)).to.deep.equal([])
      writeFileAtomic(nested, 'x', {mode: 0o600, folderMode: 0o700})
      expect(fs.readFileSync(nested, 'utf8')).to.equal('x')
      expect(modeOf(path.join(base, 'a'))).to.equal(0o700)
      expect(modeOf(nested)).to.equal(0o600)
    })

    it('refuses a file standing where the folder should be', () => {
      fs.writeFileSync(path.join(base, 'file'), '')
      expect(() => writeFileAtomic(path.join(base, 'file', 'out.json'), 'x', {mode: 'keep'})).to.throw()
      expect(() => writeFileAtomic(path.join(base, 'file', 'out.json'), 'x', {mode: 0o600, folderMode: 0o700})).to.throw()
    })

    it('fails instead of hanging where mkdir answers ENOENT under an existing parent (/proc)', function () {
      if (!fs.existsSync('/proc/self')) this.skip()
      expect(() => writeFileAtomic('/proc/igny8-test/state.json', 'x', {mode: 0o600, folderMode: 0o700})).to.throw().with.property('code', 'ENOENT')
    })

    it('writeOutputFile: a file the user asked for that cannot be written is a usage error naming it', () => {
      const file = path.join(base, 'missing', 'report.xml')
      let failure: unknown
      try {
        writeOutputFile(file, '<testsuites/>')
      } catch (error) {
        failure = error
      }

      expect(failure).to.be.instanceOf(CliError)
      expect(failure).to.include({code: 'output_unwritable', exitCode: 2})
      expect((failure as CliError).message).to.include(`Cannot write ${file}: `)
      expect(fs.readdirSync(base)).to.deep.equal([])
    })

    it('jsonText: two-space indentation and a final newline', () => {
      expect(jsonText({a: [1]})).to.equal('{\n  "a": [\n    1\n  ]\n}\n')
    })
  })
})
