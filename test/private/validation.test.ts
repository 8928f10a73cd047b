import { parseMaintenanceWindow, parseSnapshotWindow, windowsOverlap } from '../../src/private/validation';

describe('windows', () => {
  test.each([
    ['03:00-04:00', 'sun:05:00-sun:06:00', false],
    ['05:30-06:30', 'sun:05:00-sun:06:00', true],
    ['04:00-05:00', 'sun:05:00-sun:06:00', false],
    ['04:00-05:01', 'sun:05:00-sun:06:00', true],
    ['23:30-00:30', 'sun:00:00-sun:01:00', true],
    ['23:30-00:30', 'sat:23:00-sun:00:15', true],
    ['12:00-13:00', 'wed:00:00-wed:11:59', false],
    ['12:00-13:00', 'wed:00:00-thu:00:00', true],
  ])('snapshot %s and maintenance %s overlap: %s', (snapshot, maintenance, expected) => {
    expect(windowsOverlap(parseSnapshotWindow('s', snapshot)!, parseMaintenanceWindow('m', maintenance)!)).toBe(expected);
  });

  test('window lengths wrap around midnight and the week', () => {
    expect(parseSnapshotWindow('s', '23:30-00:30')).toEqual({ start: 23 * 60 + 30, length: 60 });
    expect(parseMaintenanceWindow('m', 'sat:23:30-sun:00:30')).toEqual({ start: 6 * 1440 + 23 * 60 + 30, length: 60 });
    expect(parseMaintenanceWindow('m', 'Mon:01:00-Mon:02:00')).toEqual({ start: 1440 + 60, length: 60 });
    expect(() => parseSnapshotWindow('snapshotWindow', '24:00-01:00')).toThrow("snapshotWindow must have the format hh24:mi-hh24:mi (UTC), e.g. '03:00-04:00', got '24:00-01:00'");
  });
});
