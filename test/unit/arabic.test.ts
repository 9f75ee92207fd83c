import { strict as assert } from 'node:assert';
import { matchingKey, matchingKeyTokens } from '../../server/src/core/arabic';
import { isProcliticRun } from '../../server/src/core/diagnostics';
import { DEFAULT_PROCLITICS } from '../../server/src/core/config';

describe('the Arabic matching key', () => {
  const cases: [string, string, string][] = [
    ['removes diacritics', 'العِرَاقُ', 'العراق'],
    ['removes the superscript alef', 'هٰذا', 'هذا'],
    ['removes tatweel', 'داعـــش', 'داعش'],
    ['unifies alef forms', 'أإآٱا', 'ااااا'],
    ['alef maqsura to yeh', 'ديالى', 'ديالي'],
    ['teh marbuta to heh', 'المشتركة', 'المشتركه'],
    ['drops bidi marks', '\u200Fداعش\u200E\u061C', 'داعش'],
    ['leaves other text alone', 'ISIS 2014 😀', 'ISIS 2014 😀'],
    ['hamza spellings meet', 'الإقليم', 'الاقليم'],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.equal(matchingKey(input), expected));

  it('maps each key unit back to the text it came from', () => {
    const text = 'وَداعـش';
    const { key, offsets } = matchingKeyTokens(text);
    assert.equal(key, 'وداعش');
    assert.deepEqual([...offsets], [0, 2, 3, 4, 6, 7]);
  });

  it('tells runs of proclitics', () => {
    for (const yes of ['و', 'وب', 'وال', 'فبال', 'لل']) assert.ok(isProcliticRun(yes, DEFAULT_PROCLITICS), yes);
    for (const no of ['', 'م', 'وم', 'عبد']) assert.ok(!isProcliticRun(no, DEFAULT_PROCLITICS), no);
  });
});
