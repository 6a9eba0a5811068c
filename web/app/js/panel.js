// The side panel: layer toggles, the legend (whose event types are also the
// type filter) and the GeoJSON download of the current layer and filters,
// typed as `scamatlas export --format geojson` types it.

import { filterQuery, getJSON } from './api.js';
import { oneGeometryType } from './data.js';
import { isoOf } from './time.js';

function checkbox(labelText, checked, onChange) {
  const label = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  label.append(input, document.createTextNode(` ${labelText}`));
  return { label, input };
}

/** One checkbox per layer group; `onChange(ids of the groups shown)`. */
export class LayerToggles {
  constructor(container, groups, shown, onChange) {
    this.inputs = new Map();
    for (const group of groups) {
      const { label, input } = checkbox(group.label, shown.has(group.id), () => onChange(this.shown()));
      label.dataset.layer = group.id;
      this.inputs.set(group.id, input);
      container.append(label);
    }
  }

  shown() {
    return [...this.inputs].filter(([, input]) => input.checked).map(([id]) => id);
  }

  set(shown) {
    for (const [id, input] of this.inputs) input.checked = shown.has(id);
  }
}

/**
 * The event types with their colours and how many events each has; each is
 * a checkbox, so the legend is also the type filter. `onChange(types)` gets
 * null when every type is shown.
 */
export class TypeLegend {
  constructor(container, palette, countsByType, selected, onChange) {
    this.inputs = new Map();
    this.names = new Map();
    const all = [...palette.colours.keys()];
    for (const type of all) {
      const { label, input } = checkbox('', !selected || selected.includes(type), () => onChange(this.selected()));
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = palette.colours.get(type);
      const name = document.createElement('span');
      label.append(swatch, name);
      label.dataset.type = type;
      this.inputs.set(type, input);
      this.names.set(type, name);
      container.append(label);
    }
    this.setCounts(countsByType);
  }

  /** How many events each type has (none given: no counts shown). */
  setCounts(countsByType) {
    for (const [type, name] of this.names) {
      const count = countsByType ? (countsByType.get(type) ?? 0) : undefined;
      name.textContent = type.replaceAll('_', ' ') + (count === undefined ? '' : ` (${count})`);
      name.parentElement.classList.toggle('empty', count === 0);
    }
  }

  /** The types checked, or null when all are. */
  selected() {
    const checked = [...this.inputs].filter(([, input]) => input.checked).map(([type]) => type);
    return checked.length === this.inputs.size ? null : checked;
  }

  set(types) {
    for (const [type, input] of this.inputs) input.checked = !types || types.includes(type);
  }
}

/** The legend of the other symbols (`{ id, shape, colour, label }`, from
 * the style's metadata), drawn with the map's own colours. */
export function symbolLegend(container, symbols) {
  for (const { id, shape, colour, label } of symbols) {
    const row = document.createElement('div');
    row.className = 'symbol';
    const mark = document.createElement('span');
    mark.className = `mark ${shape} ${id}`;
    mark.style.color = colour;
    const description = document.createElement('span');
    description.textContent = label;
    row.append(mark, description);
    container.append(row);
  }
}

/**
 * Saves the layer at `href` as the file `name`, typed as the export types it
 * (`oneGeometryType` in data.js); on an error, the server's answer as it is.
 */
async function save(href, name) {
  let collection;
  try {
    collection = oneGeometryType(await getJSON(href));
  } catch (error) {
    console.error(error);
    window.location.assign(href);
    return;
  }
  const blob = new Blob([JSON.stringify(collection)], { type: 'application/geo+json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Layers offered for download: those the filters apply to. */
export const DOWNLOADABLE = ['events', 'hubs', 'drift', 'flows'];

/** The download link of the chosen layer within the current view, days and types. */
export class Download {
  constructor(select, link) {
    this.select = select;
    this.link = link;
    for (const layer of DOWNLOADABLE) select.add(new Option(layer, layer));
    select.addEventListener('change', () => this.update(this.last));
    link.addEventListener('click', (event) => {
      event.preventDefault();
      if (link.getAttribute('aria-disabled') !== 'true') save(link.href, link.download);
    });
    this.last = null;
  }

  update(filters) {
    this.last = filters;
    if (!filters) return;
    const { range, types, bounds } = filters;
    const layer = this.select.value;
    const datetime = range.map(isoOf);
    const none = types && types.length === 0;
    this.link.href = `/api/layers/${layer}.geojson${filterQuery({ bbox: bounds, datetime, types })}`;
    this.link.download = `scamatlas-${layer}-${datetime[0]}_${datetime[1]}.geojson`;
    this.link.classList.toggle('disabled', none);
    this.link.setAttribute('aria-disabled', String(none));
  }
}
