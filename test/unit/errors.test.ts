/**
 * toCliError(): oclif's usage errors (made by oclif's own parser here) become exit 2 with oclif's
 * words, recognised by type and field, not by class name; anything unknown is an internal error.
 */
import {Args, Errors, Flags, Parser} from '@oclif/core'
import {expect} from 'chai'

import {CliError, ExitCode, toCliError} from '../../src/lib/errors.js'

async function parseError(argv: string[], input: Parameters<typeof Parser.parse>[1]): Promise<unknown> {
  return Parser.parse(argv, {strict: true, ...input}).then(
    () => expect.fail('the parser should have thrown'),
    (error: unknown) => error,
  )
}

describe('toCliError', () => {
  it('masks what follows "=" in unknown flags, which may be a secret', async () => {
    const error = toCliError(await parseError(['--password=hunter2'], {flags: {}, args: {}}))
    expect(error).to.include({message: 'Nonexistent flag: --password=***', code: 'usage', exitCode: ExitCode.usage, hint: 'See --help for usage.'})
    const several = toCliError(await parseError(['--password=hunter2', '--verbose'], {flags: {}, args: {}}))
    expect(several.message).to.equal('Nonexistent flags: --password=***, --verbose')
  })

  it('still recognises the parser\'s errors when a minifier renamed their classes', async () => {
    const original = (await parseError(['--token=abc'], {flags: {}, args: {}})) as Errors.CLIError & {flags: string[]; parse: unknown}
    const Renamed = class e extends (original.constructor as new (options: {flags: string[]; parse: unknown}) => Errors.CLIError) {}
    const error = toCliError(new Renamed({flags: ['--token=abc'], parse: original.parse}))
    expect(error).to.include({message: 'Nonexistent flag: --token=***', exitCode: ExitCode.usage})
  })

  it('keeps oclif\'s words without its "See more help" line for the other usage errors', async () => {
    const missing = toCliError(await parseError([], {flags: {}, args: {name: Args.string({required: true, description: 'the name'})}}))
    expect(missing).to.include({message: 'Missing 1 required arg: name  the name', code: 'usage', exitCode: ExitCode.usage})
    const option = toCliError(await parseError(['--shape', 'round'], {flags: {shape: Flags.string({options: ['top', 'flat']})}, args: {}}))
    expect(option).to.include({message: 'Expected --shape=round to be one of: top, flat', exitCode: ExitCode.usage})
    const integer = toCliError(await parseError(['--n', 'zero'], {flags: {n: Flags.integer()}, args: {}}))
    expect(integer).to.include({message: 'Parsing --n Expected an integer but received: zero', exitCode: ExitCode.usage})
  })

  it('words oclif\'s dependsOn / exclusive / exactlyOne errors as one short sentence each, never with the value given', async () => {
    const concurrency = {
      'all-sites': Flags.boolean({exclusive: ['site']}),
      concurrency: Flags.integer({dependsOn: ['all-sites']}),
      shard: Flags.string({dependsOn: ['all-sites']}),
      site: Flags.integer(),
    }
    const needs = toCliError(await parseError(['--concurrency', '3'], {flags: concurrency, args: {}}))
    expect(needs).to.include({message: '--concurrency needs --all-sites.', code: 'usage', exitCode: ExitCode.usage, hint: 'See --help for usage.'})
    const both = toCliError(await parseError(['--concurrency', '3', '--shard', '1/2'], {flags: concurrency, args: {}}))
    expect(both.message).to.equal('--concurrency and --shard need --all-sites.')
    const exclusive = toCliError(await parseError(['--all-sites', '--site', '3'], {flags: concurrency, args: {}}))
    expect(exclusive).to.include({message: '--all-sites cannot be used with --site.', exitCode: ExitCode.usage})
    const secretValue = toCliError(await parseError(['--a', '--b', 'hunter2'], {flags: {a: Flags.boolean({exclusive: ['b']}), b: Flags.string()}, args: {}}))
    expect(secretValue.message).to.equal('--a cannot be used with --b.')
    const several = toCliError(await parseError(['--x'], {flags: {x: Flags.boolean({dependsOn: ['y', 'z']}), y: Flags.boolean(), z: Flags.boolean()}, args: {}}))
    expect(several.message).to.equal('--x needs --y and --z.')
    const one = {p: Flags.boolean({exactlyOne: ['p', 'q']}), q: Flags.boolean({exactlyOne: ['p', 'q']})}
    expect(toCliError(await parseError(['--p', '--q'], {flags: one, args: {}})).message).to.equal('--q cannot be used with --p.')
    expect(toCliError(await parseError([], {flags: one, args: {}})).message).to.equal('Give exactly one of --p or --q.')
    expect(toCliError(await parseError([], {flags: {name: Flags.string({required: true})}, args: {}})).message).to.equal('--name is required.')
  })

  it('passes a CliError through and makes anything else an internal error (exit 1)', () => {
    const own = new CliError('No WordPress URL.', {code: 'missing_wp_url', exitCode: ExitCode.notConnected})
    expect(toCliError(own)).to.equal(own)
    const internal = toCliError(new TypeError('x is undefined'))
    expect(internal).to.include({message: 'Unexpected internal error: x is undefined', code: 'internal', exitCode: ExitCode.failure})
    expect(internal.cause).to.be.instanceOf(TypeError)
    expect(toCliError('thrown text').message).to.equal('Unexpected internal error: thrown text')
  })
})
