import * as assert from 'node:assert/strict';
import { EditPacer } from '../../server/src/service/editPacer';

describe('the edit pacer (when to diagnose after an edit)', () => {
  it('diagnoses an edit at once when none came within the quiet time before it', () => {
    const pacer = new EditPacer(25);
    // Typing: a keystroke every 120 ms.
    assert.deepEqual(
      [0, 120, 240, 360].map((at) => pacer.delayAfterEdit('file:///a.txt', at)),
      [0, 0, 0, 0],
    );
  });

  it('makes the edits of a burst wait for the quiet time, and diagnoses at once again after it', () => {
    const pacer = new EditPacer(25);
    const uri = 'file:///a.txt';
    assert.deepEqual(
      [0, 5, 10, 15, 20].map((at) => pacer.delayAfterEdit(uri, at)),
      [0, 25, 25, 25, 25],
    );
    // 24 ms after the last edit is still the burst; 25 ms after the one before that is not.
    assert.equal(pacer.delayAfterEdit(uri, 44), 25);
    assert.equal(pacer.delayAfterEdit(uri, 69), 0);
  });

  it('paces each document on its own, and starts a closed one afresh', () => {
    const pacer = new EditPacer(25);
    assert.equal(pacer.delayAfterEdit('file:///a.txt', 0), 0);
    assert.equal(pacer.delayAfterEdit('file:///b.txt', 1), 0);
    assert.equal(pacer.delayAfterEdit('file:///a.txt', 2), 25);
    pacer.forget('file:///a.txt');
    assert.equal(pacer.delayAfterEdit('file:///a.txt', 3), 0);
  });
});
