/** Flags shared by several commands, defined once so their names and help never drift. */
import {Flags} from '@oclif/core'

export const apiUrlFlag = Flags.string({
  description: 'IGNY8 API root (env IGNY8_API_URL; default https://api.igny8.com/api/v1).',
  helpValue: 'URL',
})

export const integrationFlag = Flags.integer({
  description: 'WordPress integration id (env IGNY8_INTEGRATION_ID; default: the profile\'s).',
  helpValue: 'ID',
  min: 1,
})

export const allowHttpFlag = Flags.boolean({
  description: 'Allow sending credentials over plain http to a host that is not on this machine.',
  default: false,
})
