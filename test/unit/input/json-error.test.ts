import {expect} from 'chai'

import {jsonSyntaxProblem, syntaxErrorOffset} from '../../../src/lib/input/json-error.js'

/** What jsonSyntaxProblem says about `text` (which must not be JSON). */
function problem(text: string): string {
  try {
    JSON.parse(text)
  } catch (error) {
    return jsonSyntaxProblem(text, error)
  }

  throw new Error(`${text} is JSON`)
}

describe('jsonSyntaxProblem', () => {
  it('keeps the parser\'s words on one line, without the text it quotes, and adds the line and column', () => {
    expect(problem('hello\nworld')).to.equal("Unexpected token 'h' at line 1, column 1")
    expect(problem('{\n  "post_types": {},\n}')).to.match(/^[^\n]+ at line 3, column 1$/)
    expect(problem('{\n"a":tru}')).to.match(/^Unexpected token '}' at line 2, column 8$|^[^\n]+ at line 2, column 8$/)
    expect(problem('[1,\n2,\n3 4]')).to.match(/ at line 3, column 3$/)
    expect(problem('{"post_types": {')).to.match(/ at line 1, column 17$/)
  })

  it('the scanner agrees with JSON.parse on what is valid, and never overflows the stack', () => {
    for (const valid of ['{}', '[]', '0', '-1.5e+3', String.raw`"\u00e9\n"`, '{"a":[true,false,null,{"b":"c"}]}', ' [ 1 , 2 ] ']) {
      expect(syntaxErrorOffset(valid), valid).to.equal(undefined)
    }

    for (const invalid of ['', '{', '[1,]', '{"a" 1}', '01', String.raw`"\x"`, 'nul', '{"a":1}}', '"a\nb"']) {
      expect(syntaxErrorOffset(invalid), invalid).to.be.a('number')
    }

    expect(syntaxErrorOffset('['.repeat(200_000))).to.equal(200_000)
  })
})
