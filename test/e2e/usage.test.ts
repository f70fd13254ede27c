/**
 * Typos, stray words and help, as users meet them in the built CLI: an unknown command is one line
 * with the closest command (space form) and exit 2, never a prompt (no TTY here) and never another
 * command run; a word after a valid command is a usage error naming it; `-h` is help everywhere; the
 * root help ends with the exit codes; help shows each flag's environment variable once; and flags used
 * without the flags they need are one short sentence.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {stripVTControlCharacters} from 'node:util'

import {cliBin, type CliRun, runCli, tempConfigDir} from '../helpers/cli.js'

/** Exit 2 with exactly an `Error:` line and a `Hint:` line on stderr, nothing on stdout. */
function usageFailure(run: CliRun, error: string, hint: string): void {
  expect(run.code, run.stderr).to.equal(2)
  expect(run.stdout).to.equal('')
  expect(run.stderr).to.equal(`Error: ${error}\nHint: ${hint}\n`)
}

describe('e2e: typos, stray words and help', function () {
  this.timeout(60_000)

  describe('unknown commands', () => {
    it('suggest the closest command in the space form, one line, exit 2', async () => {
      const run = await runCli(['strucutre', 'gather'])
      usageFailure(run, 'Unknown command "strucutre gather". Did you mean "structure gather"?', 'igny8 --help lists the commands.')
      usageFailure(await runCli(['conect']), 'Unknown command "conect". Did you mean "connect"?', 'igny8 --help lists the commands.')
      usageFailure(await runCli(['deploy']), 'Unknown command "deploy".', 'igny8 --help lists the commands.')
    })

    it('are the usual JSON error under --json, on stdout', async () => {
      const run = await runCli(['strucutre', 'gather', '--json'])
      expect(run.code, run.stderr).to.equal(2)
      expect(run.stderr).to.equal('')
      expect(run.json()).to.deep.equal({
        error: {
          code: 'unknown_command',
          message: 'Unknown command "strucutre gather". Did you mean "structure gather"?',
          exitCode: 2,
          hint: 'igny8 --help lists the commands.',
        },
      })
      const flagFirst = await runCli(['--json'])
      expect(flagFirst.code).to.equal(2)
      expect(flagFirst.json().error).to.include({code: 'unknown_command', message: '"--json" is not a command: flags go after the command (igny8 COMMAND --json).'})
    })

    it('never run the suggested command, even when CI is not set and stdin is open', async () => {
      // `conect` is close to `connect`, which would read IGNY8_PASSWORD and try to log in: no request, no profile.
      const run = await runCli(['conect'], {env: {CI: undefined, IGNY8_EMAIL: 'a@b.c', IGNY8_PASSWORD: 'pw-12345678', IGNY8_API_URL: 'http://127.0.0.1:9/api/v1'}})
      usageFailure(run, 'Unknown command "conect". Did you mean "connect"?', 'igny8 --help lists the commands.')
    })

    it('on a terminal too: no "Did you mean …? (Y/n)" prompt, the same line (in colour), exit 2', function () {
      // util-linux `script` runs the CLI on a pseudo-terminal (stdin, stdout and stderr all TTYs).
      if (spawnSync('script', ['--version']).status !== 0) this.skip()
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliBin())} conect; echo "exit=$?"`
      const run = spawnSync('script', ['-qec', command, '/dev/null'], {
        encoding: 'utf8',
        timeout: 30_000,
        env: {PATH: process.env.PATH, HOME: process.env.HOME, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', IGNY8_CONFIG_DIR: tempConfigDir(), TERM: 'xterm'},
      })
      expect(run.signal, 'the CLI waited for an answer').to.equal(null)
      expect(run.stdout).to.include('\u001B[31mError:')
      const text = stripVTControlCharacters(run.stdout).replaceAll('\r', '')
      expect(text).to.equal('Error: Unknown command "conect". Did you mean "connect"?\nHint: igny8 --help lists the commands.\nexit=2\n')
    })

    it('help for an unknown command is the same error', async () => {
      usageFailure(await runCli(['strucutre', '--help']), 'Unknown command "strucutre". Did you mean "structure"?', 'igny8 --help lists the commands.')
      usageFailure(await runCli(['help', 'structure', 'gathr']), 'Unknown command "structure gathr". Did you mean "structure gather"?', 'igny8 structure --help lists its commands.')
    })
  })

  describe('a word after a valid command', () => {
    it('is a usage error naming the command, exit 2', async () => {
      usageFailure(
        await runCli(['structure', 'gather', 'extra-arg']),
        'Unexpected argument "extra-arg" for "structure gather".',
        'igny8 structure gather takes only flags: see igny8 structure gather --help.',
      )
      usageFailure(await runCli(['auth', 'status', 'now']), 'Unexpected argument "now" for "auth status".', 'igny8 auth status takes only flags: see igny8 auth status --help.')
    })

    it('is the usual JSON error under --json', async () => {
      const run = await runCli(['structure', 'gather', 'extra-arg', '--json'])
      expect(run.code).to.equal(2)
      expect(run.json()).to.deep.equal({
        error: {
          code: 'usage',
          message: 'Unexpected argument "extra-arg" for "structure gather".',
          exitCode: 2,
          hint: 'igny8 structure gather takes only flags: see igny8 structure gather --help.',
        },
      })
    })
  })

  describe('help', () => {
    it('-h is help at the root, for a topic and for a command', async () => {
      const root = await runCli(['-h'])
      expect(root.code, root.stderr).to.equal(0)
      expect(root.stdout).to.include('USAGE\n  $ igny8 [COMMAND]').and.include('TOPICS')
      const topic = await runCli(['structure', '-h'])
      expect(topic.code, topic.stderr).to.equal(0)
      expect(topic.stdout).to.include('$ igny8 structure COMMAND').and.include('structure gather')
      const commands = await Promise.all([runCli(['structure', 'gather', '-h']), runCli(['structure', 'gather', '--wp-url', 'https://example.com', '-h'])])
      for (const command of commands) {
        expect(command.code, command.stderr).to.equal(0)
        expect(command.stdout).to.include('$ igny8 structure gather').and.include('--wp-url=URL')
        expect(command.stderr).to.equal('')
      }
    })

    it('the root help ends with the exit codes; a command\'s help does not', async () => {
      const root = await runCli(['--help'])
      expect(root.code).to.equal(0)
      const section = root.stdout.slice(root.stdout.indexOf('EXIT CODES'))
      expect(section).to.match(/^EXIT CODES\n/)
      for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 130]) expect(section).to.match(new RegExp(`^  ${code} +\\S`, 'm'))
      expect(section).to.include('authentication rejected').and.include('interrupted')
      const command = await runCli(['auth', 'status', '--help'])
      expect(command.stdout).to.not.include('EXIT CODES')
    })

    it('names a flag\'s environment variable once, and shows list flags cleanly', async () => {
      const run = await runCli(['structure', 'gather', '--help'])
      expect(run.code).to.equal(0)
      const text = run.stdout.replaceAll(/\s+/g, ' ')
      expect(text).to.include('[default: default, env: IGNY8_PROFILE] Profile to use.')
      expect(text).to.include('[env: IGNY8_DEBUG] Trace HTTP requests')
      expect(text.match(/IGNY8_PROFILE/g)).to.have.length(1)
      expect(text.match(/IGNY8_DEBUG/g)).to.have.length(1)
      expect(run.stdout).to.include('--enable=SLUG...').and.include('--disable=SLUG...').and.not.include('SLUG,...')
      // Flags without oclif's env property keep their "(env …)" mention.
      expect(text).to.include('(env IGNY8_WP_URL;')
    })
  })

  describe('flags that need or exclude other flags', () => {
    it('one short sentence, exit 2, before anything is sent', async () => {
      const needs = await runCli(['integration', 'check', '--concurrency', '3'])
      expect(needs.code, needs.stderr).to.equal(2)
      expect(needs.stderr).to.equal('Error: --concurrency needs --all-sites.\nHint: See --help for usage.\n')
      const excludes = await runCli(['integration', 'check', '--all-sites', '--site', '3', '--json'])
      expect(excludes.code).to.equal(2)
      expect(excludes.json().error).to.include({code: 'usage', message: '--all-sites cannot be used with --site.', exitCode: 2})
    })
  })
})
