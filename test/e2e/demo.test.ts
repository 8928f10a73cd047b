import { runLocally } from '../../examples/demo';

describe('npm run demo on the local engine', () => {
  test('starts the session cache locally and runs the handler with the contract from the template', async () => {
    const lines: string[] = [];
    await runLocally((line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toMatch(/Local engine: started 1 cache\(s\) of SessionCache in \d+ ms/);
    expect(text).toMatch(/SessionCache\/Sessions\/Cache: valkey, standalone, 2 node\(s\), TLS on/);
    expect(text).toMatch(/CACHE_HOST=127\.0\.0\.1/);
    expect(text).toMatch(/CACHE_PASSWORD=.{4}… \(64 characters, from the local secret\)/);
    expect(text).toContain('CACHE_SESSION_TTL=1800');
    expect(text).toContain('PUT    /sessions/demo-user -> 200 {"id":"demo-user","found":true,"data":{"user":"ana","cart":["book","lamp"]}}');
    expect(text).toContain('GET    /sessions/demo-user -> 200 {"id":"demo-user","found":true,"data":{"user":"ana","cart":["book","lamp"]}}');
    expect(text).toContain('GET    /sessions/nobody    -> 404 {"id":"nobody","found":false}');
    expect(text).toMatch(/replica 127\.0\.0\.1:\d+ holds session:demo-user = .*"user":"ana".*, expiring in 1800 s/);
    expect(text).toContain('DELETE /sessions/demo-user -> 200 {"id":"demo-user","found":false}');
    expect(text).toMatch(/GET    \/sessions\/demo-user -> 404/);
  });
});
