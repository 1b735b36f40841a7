import { describe, expect, test } from 'vitest';
import { multipartParts } from '../../../app/imaging/multipart.ts';
import { unpackBits, ybrFull422ToRgb } from '../../../app/imaging/pixels.ts';

describe('unpackBits', () => {
  test('gives one byte per pixel, first pixel in the lowest bit', () => {
    expect([...unpackBits(Uint8Array.from([0b00000101, 0b10000000]), 16)]).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect([...unpackBits(Uint8Array.from([0xff]), 10)]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  });
});

describe('ybrFull422ToRgb', () => {
  test('shares each chroma pair between two pixels and converts grey, red and blue', () => {
    // Y1 Y2 Cb Cr: grey 128/64; then pure red (Y 76, Cb 85, Cr 255) and pure blue (Y 29, Cb 255, Cr 107).
    const rgb = ybrFull422ToRgb(Uint8Array.from([128, 64, 128, 128, 76, 76, 85, 255, 29, 29, 255, 107]), 1, 6);
    expect([...rgb.slice(0, 6)]).toEqual([128, 128, 128, 64, 64, 64]);
    const [r1, g1, b1] = rgb.slice(6, 9);
    expect(r1).toBeGreaterThan(250);
    expect(g1).toBeLessThan(5);
    expect(b1).toBeLessThan(5);
    const [r2, g2, b2] = rgb.slice(15, 18);
    expect(b2).toBeGreaterThan(250);
    expect(r2! + g2!).toBeLessThan(10);
  });
});

describe('multipartParts', () => {
  const encode = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

  test('returns each part\'s body, whatever the boundary quoting', () => {
    const body = encode('--b1\r\nContent-Type: application/octet-stream\r\n\r\nAB\r\n--b1\r\nContent-Type: x\r\n\r\nC\r\n--b1--\r\n');
    const text = (parts: Uint8Array[]) => parts.map((p) => String.fromCharCode(...p));
    expect(text(multipartParts('multipart/related; type="application/octet-stream"; boundary=b1', body))).toEqual(['AB', 'C']);
    expect(text(multipartParts('multipart/related; boundary="b1"', body))).toEqual(['AB', 'C']);
  });

  test('refuses what is not multipart or is cut short', () => {
    expect(() => multipartParts('application/octet-stream', encode('AB'))).toThrow(/not a multipart/);
    expect(() => multipartParts('multipart/related; boundary=b1', encode('--b1\r\n\r\nAB'))).toThrow(/closing boundary/);
  });
});
