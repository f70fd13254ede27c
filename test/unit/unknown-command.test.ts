/**
 * Words that name no command (lib/unknown-command.ts), against igny8's real command tree: a typo gets
 * the closest command (or none when nothing is close), a command followed by stray words is a usage
 * error naming that command, and help for such words shows the command or the same error.
 */
import {Config} from '@oclif/core'
import {expect} from 'chai'
import path from 'node:path'

import {ExitCode} from '../../src/lib/errors.js'
import {closestCommand, editDistance, helpRequest, unknownCommandError} from '../../src/lib/unknown-command.js'

const root = path.resolve(import.meta.dirname, '..', '..')

describe('unknown commands', () => {
  let config: Config

  before(async () => {
    config = await Config.load(root)
  })

  it('suggests the closest command, in the space form, for typos of one or several words', () => {
    expect(closestCommand('strucutre:gather', config)).to.equal('structure:gather')
    expect(closestCommand('structure:gathr', config)).to.equal('structure:gather')
    expect(closestCommand('integraton:chek', config)).to.equal('integration:check')
    expect(closestCommand('conect', config)).to.equal('connect')
    expect(closestCommand('gather', config)).to.equal('structure:gather')
    expect(closestCommand('strucutre', config)).to.equal('structure')
    // A hidden alias (the original design's names) leads to the command it stands for.
    expect(closestCommand('gather-structur', config)).to.equal('structure:gather')
    expect(closestCommand('deploy', config)).to.equal(undefined)
  })

  it('is one line with a hint, exit 2, code unknown_command', () => {
    const error = unknownCommandError('strucutre:gather', config)
    expect(error.toJSON()).to.deep.equal({
      code: 'unknown_command',
      message: 'Unknown command "strucutre gather". Did you mean "structure gather"?',
      exitCode: ExitCode.usage,
      hint: 'igny8 --help lists the commands.',
    })
    expect(unknownCommandError('deploy', config).message).to.equal('Unknown command "deploy".')
    expect(unknownCommandError('auth:statsu', config)).to.include({message: 'Unknown command "auth statsu". Did you mean "auth status"?', hint: 'igny8 auth --help lists its commands.'})
  })

  it('names the command when words follow a valid one', () => {
    expect(unknownCommandError('structure:gather:extra-arg', config).toJSON()).to.deep.equal({
      code: 'usage',
      message: 'Unexpected argument "extra-arg" for "structure gather".',
      exitCode: ExitCode.usage,
      hint: 'igny8 structure gather takes only flags: see igny8 structure gather --help.',
    })
    expect(unknownCommandError('auth:status:now:please', config).message).to.equal('Unexpected arguments "now", "please" for "auth status".')
  })

  it('a flag before the command says where flags go, never echoing a value', () => {
    const error = unknownCommandError('--password=hunter2', config)
    expect(error.message).to.equal('"--password=***" is not a command: flags go after the command (igny8 COMMAND --password=***).')
    expect(error.exitCode).to.equal(ExitCode.usage)
  })

  it('help for stray words shows the command; help for unknown words is the same error', () => {
    const helpFlags = ['--help', '-h']
    expect(helpRequest(['structure', 'gather', '-h'], helpFlags, config)).to.deep.equal({argv: ['structure', 'gather', '-h']})
    expect(helpRequest(['structure', '--help'], helpFlags, config)).to.deep.equal({argv: ['structure', '--help']})
    expect(helpRequest(['--help'], helpFlags, config)).to.deep.equal({argv: ['--help']})
    expect(helpRequest(['auth', 'status', 'now', '--help'], helpFlags, config)).to.deep.equal({argv: ['auth', 'status']})
    const unknown = helpRequest(['strucutre', '--help'], helpFlags, config)
    expect(unknown).to.have.property('error').that.include({message: 'Unknown command "strucutre". Did you mean "structure"?', exitCode: ExitCode.usage})
  })

  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('strucutre', 'structure')).to.equal(1)
    expect(editDistance('hlep', 'help')).to.equal(1)
    expect(editDistance('conect', 'connect')).to.equal(1)
    expect(editDistance('', 'abc')).to.equal(3)
    expect(editDistance('kitten', 'sitting')).to.equal(3)
  })
})
