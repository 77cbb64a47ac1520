import { canonicalJson } from './chain';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps Chinese text as is', () => {
    expect(canonicalJson({ b: 1, a: { d: '郑政办〔2021〕34号', c: [2, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"c":[2,{"y":2,"z":1}],"d":"郑政办〔2021〕34号"},"b":1}',
    );
  });

  it('keeps an own "__proto__" key, so it cannot be slipped into stored data without changing the hash', () => {
    expect(canonicalJson(JSON.parse('{"a":1,"__proto__":{"evil":true}}'))).toBe('{"__proto__":{"evil":true},"a":1}');
  });
});
