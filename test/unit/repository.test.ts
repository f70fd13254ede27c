/**
 * The repository is self-contained: no code cites a document outside it. The backend contract the code
 * relies on is docs/backend-contract.md, and comments point at it as "docs/backend-contract.md, <Heading>"
 * (several headings: "docs/backend-contract.md, <Heading>; <Heading>"); every heading named must exist.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(import.meta.dirname, '..', '..')
const CONTRACT = 'docs/backend-contract.md'
const SELF = path.relative(root, fileURLToPath(import.meta.url)).split(path.sep).join('/')
const CHECKED_DIRS = ['src', 'bin', 'scripts', 'test', 'bench']

/** References to documents that live outside this repository, or to their numbered sections. */
const OUTSIDE: Array<{what: string; pattern: RegExp}> = [
  {what: '../shared/', pattern: /\.\.\/shared\//},
  {what: 'shared/contract', pattern: /shared\/contract/},
  {what: 'shared/stack.md', pattern: /shared\/stack\.md/},
  {what: 'shared/wordpress', pattern: /shared\/wordpress/},
  {what: 'a § section', pattern: /§/},
]

interface Line {
  file: string
  number: number
  text: string
}

function trackedLines(): Line[] {
  const files = execFileSync('git', ['ls-files', '-z', '--', ...CHECKED_DIRS], {cwd: root, encoding: 'utf8'})
    .split('\0')
    .filter((file) => file !== '' && file !== SELF)
  const lines: Line[] = []
  for (const file of files) {
    let text: string
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8')
    } catch (error) {
      // Deleted in the working tree but still tracked: nothing to read.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }

    for (const [index, line] of text.split('\n').entries()) lines.push({file, number: index + 1, text: line})
  }

  return lines
}

/** The document's headings (any level), code blocks skipped. */
function headingsOf(markdown: string): string[] {
  const headings: string[] = []
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    if (fenced) continue
    const match = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)
    if (match) headings.push(match[1]!)
  }

  return headings
}

/** The headings named after "docs/backend-contract.md, ": the longest heading at each place, then after each "; ". */
function namedHeadings(text: string, headings: string[]): {named: string[]; unknown?: string} {
  const named: string[] = []
  const byLength = [...headings].sort((a, b) => b.length - a.length)
  let rest = text
  for (;;) {
    const heading = byLength.find((candidate) => rest.startsWith(candidate) && !/^[\w-]/.test(rest.slice(candidate.length)))
    if (!heading) return {named, unknown: rest}
    named.push(heading)
    rest = rest.slice(heading.length)
    if (!rest.startsWith('; ')) return {named}
    rest = rest.slice(2)
  }
}

describe('repository', () => {
  const lines = trackedLines()

  it(`has the backend contract in ${CONTRACT}`, () => {
    expect(fs.existsSync(path.join(root, CONTRACT)), `${CONTRACT} is missing`).to.equal(true)
    expect(headingsOf(fs.readFileSync(path.join(root, CONTRACT), 'utf8'))).to.not.be.empty
  })

  it(`cites no document outside the repository in ${CHECKED_DIRS.join(', ')}`, () => {
    const found = lines.flatMap(({file, number, text}) =>
      OUTSIDE.filter(({pattern}) => pattern.test(text)).map(({what}) => `${file}:${number}: cites ${what}: ${text.trim()}`),
    )
    expect(found, `point at ${CONTRACT} or a file in the repository instead:\n${found.join('\n')}`).to.deep.equal([])
  })

  it(`names only headings that ${CONTRACT} has`, () => {
    const headings = headingsOf(fs.readFileSync(path.join(root, CONTRACT), 'utf8'))
    const references: string[] = []
    const broken: string[] = []
    const marker = `${CONTRACT}, `
    for (const {file, number, text} of lines) {
      for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
        const {named, unknown} = namedHeadings(text.slice(at + marker.length), headings)
        references.push(...named)
        if (unknown !== undefined) broken.push(`${file}:${number}: no heading starts "${unknown.slice(0, 60)}"`)
      }
    }

    expect(broken, `headings of ${CONTRACT}: ${headings.join(' | ')}\n${broken.join('\n')}`).to.deep.equal([])
    expect(references, `no "${marker}<Heading>" reference found: is the pattern still right?`).to.not.be.empty
  })
})
