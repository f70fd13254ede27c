import {expect} from 'chai'

import {reconnectCommand} from '../../../src/lib/connection/reconnect.js'

describe('reconnectCommand: the `igny8 connect` line of a profile', () => {
  const jwt = {authMethod: 'jwt' as const, user: {email: 'ops@example.com'}}

  it('pipes the password for an email + password profile, naming the profile unless it is "default"', () => {
    expect(reconnectCommand('ci', jwt, {terminal: false})).to.equal(`printf '%s' "$IGNY8_PASSWORD" | igny8 connect --profile ci --password-stdin`)
    expect(reconnectCommand('default', jwt, {terminal: false})).to.equal(`printf '%s' "$IGNY8_PASSWORD" | igny8 connect --password-stdin`)
  })

  it('pipes the key for a site API key profile', () => {
    expect(reconnectCommand('shop', {authMethod: 'api-key', user: null}, {terminal: false})).to.equal(`printf '%s' "$IGNY8_API_KEY" | igny8 connect --profile shop --api-key-stdin`)
  })

  it('asks for the email too when the profile never held a login', () => {
    expect(reconnectCommand('new', undefined, {terminal: false})).to.equal(`printf '%s' "$IGNY8_PASSWORD" | igny8 connect --profile new --email EMAIL --password-stdin`)
  })

  it('is the bare command on a terminal, which asks for the secret', () => {
    expect(reconnectCommand('ci', jwt, {terminal: true})).to.equal('igny8 connect --profile ci')
    expect(reconnectCommand('default', {authMethod: 'api-key', user: null}, {terminal: true})).to.equal('igny8 connect')
  })
})
