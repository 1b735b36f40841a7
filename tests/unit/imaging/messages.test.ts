// Every reason de-identification can give the user has a sentence in the English messages.
import { describe, expect, test } from 'vitest';
import { deidentifyErrorCodes } from '../../../app/imaging/deidentify/index.ts';
import { en } from '../../../renderer/i18n/en.ts';

describe('de-identification messages', () => {
  test.each(deidentifyErrorCodes)('error %s has a sentence', (code) => {
    expect(en.deidentify.errors[code]).toMatch(/^[A-Z].+\.$/);
  });

  test.each(['burned_in_annotation', 'sop_class', 'modality', 'screen_capture'] as const)('hold reason %s has a sentence', (reason) => {
    expect(en.deidentify.held[reason]).toMatch(/^[A-Z].+\.$/);
  });
});
