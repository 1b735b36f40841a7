// What a patient's "Files" accept: names made safe, and the content deciding what a file is.
import { describe, expect, test } from 'vitest';
import { checkFile, extensionOf, maxFileNameLength, safeFileName } from '../../../app/patients/files.ts';

describe('safeFileName', () => {
  test.each([
    ['report.pdf', 'report.pdf'],
    ['../../../etc/passwd', 'passwd'],
    ['C:\\Users\\claire\\Desktop\\scan.png', 'scan.png'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['zero\u200Bwidth.pdf', 'zerowidth.pdf'],
    ['tab\there\r\nand bell\u0007.pdf', 'tab here and bell.pdf'],
    ['what?<now>*|:".pdf', 'what__now_____.pdf'],
    ['  . spaced out .  ', 'spaced out'],
    ['Bericht für Prüfung.pdf', 'Bericht für Prüfung.pdf'],
    ['e\u0301te\u0301.pdf', 'été.pdf'],
    ['/\\', ''],
    ['...', ''],
  ])('%j becomes %j', (raw, safe) => {
    expect(safeFileName(raw)).toBe(safe);
  });

  test(`keeps at most ${maxFileNameLength} characters, with the whole extension`, () => {
    const safe = safeFileName(`${'é'.repeat(500)}.jpeg`);
    expect([...safe]).toHaveLength(maxFileNameLength);
    expect(safe.endsWith('é.jpeg')).toBe(true);
  });
});

test.each([
  ['report.pdf', 'pdf'],
  ['photo.JPEG', 'jpeg'],
  ['Dr. Smith letter', undefined],
  ['.pdf', undefined],
  ['archive.tar.gz', 'gz'],
])('the extension of %j is %j', (name, extension) => {
  expect(extensionOf(name)).toBe(extension);
});

describe('checkFile', () => {
  const pdf = 'application/pdf';
  test.each([
    ['report.pdf', pdf, pdf, { ok: true, contentType: pdf, name: 'report.pdf' }],
    ['report.PDF', undefined, pdf, { ok: true, contentType: pdf, name: 'report.PDF' }],
    ['scan', 'application/octet-stream', 'image/png', { ok: true, contentType: 'image/png', name: 'scan.png' }],
    ['', undefined, 'image/jpeg', { ok: true, contentType: 'image/jpeg', name: 'file.jpg' }],
    ['anim.png', 'image/png', 'image/apng', { ok: true, contentType: 'image/png', name: 'anim.png' }],
    ['photo.jpg', 'image/pjpeg', 'image/jpeg', { ok: true, contentType: 'image/jpeg', name: 'photo.jpg' }],
    ['photo.pdf', 'image/jpeg', 'image/jpeg', { ok: false, code: 'file_type_mismatch', claimed: 'PDF' }],
    ['photo.jpg', pdf, 'image/jpeg', { ok: false, code: 'file_type_mismatch', claimed: pdf }],
    ['notes.txt', 'text/plain', pdf, { ok: false, code: 'file_type_mismatch', claimed: '.txt' }],
    ['labs.pdf', pdf, undefined, { ok: false, code: 'file_type_mismatch', claimed: 'PDF' }],
    ['setup.pdf', pdf, 'application/x-msdownload', { ok: false, code: 'file_type_mismatch', claimed: 'PDF' }],
    ['labs', pdf, undefined, { ok: false, code: 'file_type_mismatch', claimed: 'PDF' }],
    ['labs.csv', 'text/csv', undefined, { ok: false, code: 'file_type_not_allowed' }],
    ['scan.tiff', 'image/tiff', 'image/tiff', { ok: false, code: 'file_type_not_allowed' }],
    ['photo.heic', 'image/heic', 'image/heic', { ok: false, code: 'file_type_not_allowed' }],
    ['ct.dcm', 'application/dicom', 'application/dicom', { ok: false, code: 'file_is_dicom' }],
    ['IM0001', undefined, 'application/dicom', { ok: false, code: 'file_is_dicom' }],
    ['ct.pdf', pdf, 'application/dicom', { ok: false, code: 'file_is_dicom' }],
    ['image.DCM', undefined, undefined, { ok: false, code: 'file_is_dicom' }],
  ] as const)('%j declared %j, found %j', (name, declaredType, detectedType, expected) => {
    expect(checkFile({ name, declaredType, detectedType })).toEqual(expected);
  });
});
