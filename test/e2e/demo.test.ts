/**
 * `npm run demo` (scripts/demo.sh) as users run it: its own WordPress and sandbox, every step under its
 * heading, exit 0, and nothing left running or on disk afterwards.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type ProcessRun, ROOT, runProcess} from '../helpers/cli.js'

function runDemo(env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  // Not kept for the leak check: the demo prints its own sandbox's demo credentials by design.
  return runProcess('bash', [path.join(ROOT, 'scripts', 'demo.sh')], {env, keep: false})
}

describe('e2e: npm run demo', function () {
  this.timeout(900_000)

  it('runs connect → gather → push → content-types show → integration check against its own servers, then tears them down', async () => {
    const lab = fs.mkdtempSync(path.join(os.tmpdir(), 'i8demo-'))
    fs.rmdirSync(lab)
    const {code, stdout, stderr} = await runDemo({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      IGNY8_DEMO_WPLAB_DIR: lab,
      // Must not leak into the demo: it unsets every IGNY8_ variable it inherits.
      IGNY8_PROFILE: 'not-the-demo',
      IGNY8_API_URL: 'http://127.0.0.1:9/api/v1',
    })
    expect(code, `${stdout}\n--- stderr:\n${stderr}`).to.equal(0)
    const headings = [
      'WordPress: scripts/wordpress.sh up',
      'IGNY8 backend: igny8 sandbox serve --port 0',
      'igny8 connect --api-key-stdin',
      'igny8 structure gather',
      'igny8 structure push',
      'igny8 content-types show',
      'igny8 integration check --round-trip',
    ]
    let at = 0
    for (const [i, heading] of headings.entries()) {
      const found = stdout.indexOf(`━━ ${i + 1}/7  ${heading}`, at)
      expect(found, `heading "${heading}" in order`).to.be.greaterThan(-1)
      at = found
    }

    expect(stdout).to.match(/Pushed 3 post types and 3 taxonomies to integration \d+/)
    expect(stdout).to.match(/✓ OK: every required check passed/)
    expect(stdout.trimEnd().split('\n').at(-1)).to.equal('Demo complete: every step passed.')
    expect(stderr).to.include('Tearing down')
    expect(fs.existsSync(lab), 'the demo WordPress state dir is deleted').to.equal(false)
  })
})
