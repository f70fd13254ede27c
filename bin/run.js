#!/usr/bin/env node
// oclif's standard entry. Node's own compile cache (module.enableCompileCache, Node 22.8 and later) keeps compiled code between runs.
import module from 'node:module'

module.enableCompileCache?.()
// Stack traces of a --debug run point at src/ lines through dist/'s source maps (off otherwise: reading maps costs time).
if (process.argv.includes('--debug') || /^(1|true|body)$/.test(process.env.IGNY8_DEBUG ?? '')) process.setSourceMapsEnabled(true)

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
