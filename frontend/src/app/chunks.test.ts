import { describe, expect, it } from 'vitest';
import { failedChunkUrl } from './chunks';

describe('failed chunk URL', () => {
  it('is read from the browsers\' messages', () => {
    expect(failedChunkUrl(new TypeError('Failed to fetch dynamically imported module: http://h:1/assets/AboutDialog-DESm.js'))).toBe('http://h:1/assets/AboutDialog-DESm.js');
    expect(failedChunkUrl(new TypeError('error loading dynamically imported module: https://x.example/assets/A-1.js'))).toBe('https://x.example/assets/A-1.js');
    expect(failedChunkUrl(new TypeError('Importing a module script failed.'))).toBeNull();
  });
});
