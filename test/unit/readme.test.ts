import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..', '..')
/** The generated command reference: from `<!-- commands -->` up to `<!-- commandsstop -->`. */
const section = (text: string): string => text.slice(text.indexOf('<!-- commands -->'), text.indexOf('<!-- commandsstop -->'))

describe('README', () => {
  it('has a command reference generated from the commands themselves (run `npm run readme` when this fails)', function () {
    this.timeout(60_000)
    const generated = execFileSync(path.join(root, 'node_modules', '.bin', 'oclif'), ['readme', '--dry-run', '--no-aliases', '--no-source-links'], {
      cwd: root,
      env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const expected = generated.replace(/^replacing <!-- commands --> in .*\n/, '')
    const actual = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
    expect(section(actual), 'README command reference is stale: run `npm run readme`').to.equal(section(expected))
  })
})
