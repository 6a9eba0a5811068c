// Days and the clock every layer follows.
//
// A day is an integer: days since 1970-01-01 (UTC). Features carry their first
// and last day as `t0` and `t1`, so a time filter is two numeric comparisons.

const DAY_MS = 86_400_000;

/** The day number of an ISO date (`2024-03-01`, `2024-03` or `2024`; a
 * shorter date means its first day), or NaN. */
export function dayOf(iso) {
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(iso ?? '');
  if (!match) return NaN;
  const [, year, month = '01', day = '01'] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day)) / DAY_MS;
}

/** The ISO date (`YYYY-MM-DD`) of a day number. */
export function isoOf(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date for people: `5 Mar 2024`, `Mar 2024` or `2024` by its precision. */
export function humanDate(iso, precision = 'day') {
  const [year, month, day] = (iso ?? '').split('-');
  if (!year) return '';
  if (precision === 'year' || !month) return year;
  const name = MONTHS[Number(month) - 1] ?? month;
  if (precision === 'month' || !day) return `${name} ${year}`;
  return `${Number(day)} ${name} ${year}`;
}

/** The calendar quarter of a day, as `2024 Q2`. */
export function quarterOf(day) {
  const date = new Date(day * DAY_MS);
  return `${date.getUTCFullYear()} Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/**
 * The shared clock: a current day between `first` and `last`, a mode
 * (`window`: the last `windowDays` days up to the current day; `cumulative`:
 * everything up to it) and playback at `speed` days per second. Dispatches
 * `change` whenever what should be shown changes.
 */
export class Clock extends EventTarget {
  constructor(first, last) {
    super();
    this.first = first;
    this.last = last;
    this.day = last;
    this.mode = 'window';
    this.windowDays = 91;
    this.speed = 91;
    this.playing = false;
    this.position = last; // fractional day while playing
    this.frame = null;
  }

  /** The days shown, `[start, end]`, both included. */
  get range() {
    const start = this.mode === 'cumulative' ? this.first : Math.max(this.first, this.day - this.windowDays + 1);
    return [start, this.day];
  }

  /** Changes any of `day`, `mode`, `windowDays` and `speed`. */
  set({ day, mode, windowDays, speed }) {
    if (Number.isFinite(day)) {
      this.day = Math.min(this.last, Math.max(this.first, Math.round(day)));
      this.position = this.day;
    }
    if (mode === 'window' || mode === 'cumulative') this.mode = mode;
    if (Number.isFinite(windowDays) && windowDays >= 1) this.windowDays = Math.round(windowDays);
    if (Number.isFinite(speed) && speed > 0) this.speed = speed;
    this.changed();
  }

  /** New first and last days (the data's dates changed): the day shown
   * stays, unless it now lies outside them. */
  setBounds(first, last) {
    if (!(Number.isFinite(first) && Number.isFinite(last) && first <= last)) return;
    if (first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    this.day = Math.min(last, Math.max(first, this.day));
    this.position = Math.min(last, Math.max(first, this.position));
    this.changed();
  }

  play() {
    if (this.playing) return;
    if (this.day >= this.last) this.set({ day: this.first });
    this.playing = true;
    let before = performance.now();
    const step = (now) => {
      this.position = Math.min(this.last, this.position + ((now - before) / 1000) * this.speed);
      before = now;
      const day = Math.floor(this.position);
      if (day !== this.day) {
        this.day = day;
        this.changed();
      }
      if (this.day >= this.last) this.pause();
      else this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
    this.changed();
  }

  pause() {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    if (!this.playing) return;
    this.playing = false;
    this.changed();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }
}
