// The time bar: a slider over the data's days, play/pause, speed, and the
// window or cumulative mode. It only talks to the clock; the map follows the
// clock's `change` events.

import { humanDate, isoOf } from './time.js';

const day = (d) => humanDate(isoOf(d));

export class TimeBar {
  constructor(clock, { slider, play, label, speed, mode, windowDays }) {
    this.clock = clock;
    this.controls = { slider, play, label, speed, mode, windowDays };
    slider.step = '1';

    slider.addEventListener('input', () => {
      clock.pause();
      clock.set({ day: Number(slider.value) });
    });
    play.addEventListener('click', () => clock.toggle());
    speed.addEventListener('change', () => clock.set({ speed: Number(speed.value) }));
    mode.addEventListener('change', () => clock.set({ mode: mode.value }));
    windowDays.addEventListener('change', () => clock.set({ windowDays: Number(windowDays.value) }));
    clock.addEventListener('change', () => this.update());
    this.update();
  }

  update() {
    const { clock } = this;
    const { slider, play, label, speed, mode, windowDays } = this.controls;
    slider.min = String(clock.first);
    slider.max = String(clock.last);
    slider.value = String(clock.day);
    const [start, end] = clock.range;
    const text = clock.mode === 'cumulative' ? `up to ${day(end)}` : `${day(start)} – ${day(end)}`;
    label.value = text;
    slider.setAttribute('aria-valuetext', text);
    play.textContent = clock.playing ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(clock.playing));
    selectNearest(speed, clock.speed);
    mode.value = clock.mode;
    selectNearest(windowDays, clock.windowDays);
    windowDays.disabled = clock.mode === 'cumulative';
  }
}

/** Selects the option of `select` whose number is nearest `value`. */
function selectNearest(select, value) {
  let best = null;
  for (const option of select.options) {
    if (!best || Math.abs(Number(option.value) - value) < Math.abs(Number(best.value) - value)) best = option;
  }
  if (best) select.value = best.value;
}
