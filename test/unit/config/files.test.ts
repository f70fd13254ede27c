import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {makeDirectory} from '../../../src/lib/files.js'

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
