import {expect} from 'chai'
import {PassThrough} from 'node:stream'

import type {Profile} from '../../../src/lib/config/profile-store.js'

import {readSecret, resetStdinForTests, type SecretIo} from '../../../src/lib/input/secret.js'
import {redact} from '../../../src/lib/secrets.js'
import {resolveGatherInputs} from '../../../src/lib/structure/gather-inputs.js'

function io(stdinText?: string, env: NodeJS.ProcessEnv = {}): SecretIo {
  const stdin = new PassThrough()
  if (stdinText !== undefined) stdin.end(stdinText)
  return {stdin, stderr: new PassThrough(), env}
}

const flags = {source: 'auto' as const, 'wp-app-password-stdin': false, concurrency: 8, 'allow-http': false}

/** What resolveGatherInputs needs of the command (named so that mocha's `context` suite alias is not shadowed). */
function commandContext(profile?: Profile, notices: string[] = []) {
  return {
    // The precedence of BaseCommand.setting(), without its notice.
    setting: <V>(_name: string, sources: {flag?: V; env?: string; stored?: V}) => ({
      value: sources.flag ?? (sources.env && process.env[sources.env] ? (process.env[sources.env] as V) : sources.stored),
    }),
    notice: (message: string) => notices.push(message),
    profileName: 'default',
    profile,
  }
}

describe('gather inputs', () => {
  afterEach(() => resetStdinForTests())

  describe('readSecret', () => {
    it('reads stdin without its final newline, and registers the secret', async () => {
      const secret = await readSecret({what: 'the password', stdinFlag: true, envName: 'X'}, io('s3cret-from-stdin\n'))
      expect(secret).to.deep.equal({value: 's3cret-from-stdin', source: 'stdin'})
      expect(redact('is s3cret-from-stdin')).to.equal('is ***')
    })

    it('rejects empty stdin with exit 2, and a second stdin secret', async () => {
      try {
        await readSecret({what: 'the password', stdinFlag: true, envName: 'X'}, io('\n'))
        expect.fail('no error')
      } catch (error) {
        expect(error).to.include({exitCode: 2, code: 'empty_secret'})
      }

      try {
        await readSecret({what: 'the key', fromStdin: true, envName: 'X'}, io('again'))
        expect.fail('no error')
      } catch (error) {
        expect(error).to.include({exitCode: 2, code: 'stdin_reused'})
      }
    })

    it('takes the environment, then the stored value; never prompts without a terminal', async () => {
      expect(await readSecret({what: 'p', envName: 'PW', stored: 'stored-value'}, io(undefined, {PW: 'env-value'}))).to.deep.equal({
        value: 'env-value',
        source: 'env',
        overridesStored: true,
      })
      expect(await readSecret({what: 'p', envName: 'PW', stored: 'stored-value'}, io())).to.deep.equal({value: 'stored-value', source: 'profile'})
      expect(await readSecret({what: 'p', envName: 'PW', prompt: 'Password: '}, io())).to.equal(undefined)
    })
  })

  describe('resolveGatherInputs', () => {
    it('takes the URL and credentials from the profile', async () => {
      const inputs = await resolveGatherInputs(flags, commandContext({wordpressUrl: 'https://wp.example', wpUser: 'admin', secrets: {wpAppPassword: 'stored-app-pw', apiKey: 'stored-key'}}))
      expect(inputs.siteUrl.href).to.equal('https://wp.example/')
      expect(inputs.credentials).to.deep.equal({user: 'admin', password: 'stored-app-pw'})
      expect(inputs.apiKey).to.equal('stored-key')
    })

    it('does not pair the stored password with another user', async () => {
      try {
        await resolveGatherInputs({...flags, 'wp-user': 'someone-else'}, commandContext({wordpressUrl: 'https://wp.example', wpUser: 'admin', secrets: {wpAppPassword: 'stored-app-pw'}}))
        expect.fail('no error')
      } catch (error) {
        expect(error).to.include({exitCode: 3, code: 'missing_wp_app_password'})
      }
    })

    it('says when IGNY8_WP_APP_PASSWORD overrides the stored password', async () => {
      process.env.IGNY8_WP_APP_PASSWORD = 'from-env-pw'
      const notices: string[] = []
      const inputs = await resolveGatherInputs(flags, commandContext({wordpressUrl: 'https://wp.example', wpUser: 'admin', secrets: {wpAppPassword: 'stored-app-pw'}}, notices))
      expect(inputs.credentials?.password).to.equal('from-env-pw')
      expect(notices).to.deep.equal(['IGNY8_WP_APP_PASSWORD overrides the WordPress application password stored in profile "default".'])
    })

    it('does not read the site API key for --source rest', async () => {
      process.env.IGNY8_API_KEY = 'env-key'
      const inputs = await resolveGatherInputs({...flags, source: 'rest', 'wp-url': 'https://wp.example'}, commandContext())
      expect(inputs.apiKey).to.equal(undefined)
      expect(inputs.credentials).to.equal(undefined)
    })
  })
})
