/** Path parameter values for fuzz-style tests of every route, as a client would put them in a URL. */

/** Escapes that decodeURIComponent refuses: not hex, cut short, or bytes that are not UTF-8. */
export const MALFORMED_ESCAPES = ['%ZZ', '%C0%AF', '%', '%E2%82', '%ED%A0%80', '%FF%FE', 'a%2', '%%41'];
/** Well-formed but hostile values: each must be a 400 or a 404, never a 500. */
export const HOSTILE_VALUES = [
  '%2F',
  '..%2F..%2Fetc%2Fpasswd',
  '%27%20OR%201%3D1--',
  '%00',
  '%0D%0ASet-Cookie%3A%20x%3D1',
  '%F0%9F%92%A9',
  '%3Cscript%3E',
  'x'.repeat(10_000),
  '%20',
  'ann%40example.com',
  '01JD0000000000000000000001%00',
  '11111111-1111-4111-8111-11111111111%31',
];
