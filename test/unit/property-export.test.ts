import fc from 'fast-check';
import { EXPORT_PROPERTIES, FAST_SEED } from './property-checks';

// The fast run of the properties: a fixed seed and a few runs each, so a failure here is
// reproducible as it is. The long run is `npm run fuzz -- --seed S --runs N` (docs/reliability.md).
describe('properties (export)', function () {
  this.timeout(60000);
  for (const { name, fastRuns, property } of EXPORT_PROPERTIES) {
    it(name, () => fc.assert(property(), { seed: FAST_SEED, numRuns: fastRuns }));
  }
});
