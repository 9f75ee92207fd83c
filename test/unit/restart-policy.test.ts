import * as assert from 'node:assert/strict';
import { RestartPolicy } from '../../client/src/restartPolicy';

describe('the client restart policy', () => {
  it('restarts a crashed server up to maxRestarts times within the window, then gives up', () => {
    let now = 0;
    const policy = new RestartPolicy(4, 180_000, () => now);
    const answers = [1, 2, 3, 4, 5].map(() => {
      now += 1_000;
      return policy.crashed();
    });
    assert.deepEqual(answers, [true, true, true, true, false]);
  });

  it('forgets crashes older than the window', () => {
    let now = 0;
    const policy = new RestartPolicy(2, 60_000, () => now);
    assert.equal(policy.crashed(), true);
    now = 10_000;
    assert.equal(policy.crashed(), true);
    now = 61_000; // the first crash is out of the window
    assert.equal(policy.crashed(), true);
    now = 62_000;
    assert.equal(policy.crashed(), false);
  });

  it('starts afresh after a restart by hand', () => {
    const policy = new RestartPolicy(1, 60_000, () => 0);
    assert.equal(policy.crashed(), true);
    assert.equal(policy.crashed(), false);
    policy.reset();
    assert.equal(policy.crashed(), true);
  });
});
