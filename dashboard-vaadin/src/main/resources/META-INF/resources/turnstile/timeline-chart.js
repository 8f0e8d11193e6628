/*
 * <ts-timeline-chart>: claims and blocks over time, drawn by Chart.js (loaded before this file, as are Hammer.js and
 * chartjs-plugin-zoom). The server sets the `data` property to JSON: {title, bucketMillis, points: [{t, claims,
 * blocked}]}. Hovering shows a tooltip in the page (an element, so screen readers and tests can read it); dragging
 * across the chart zooms into that stretch, pinching zooms on touch screens, Shift-drag pans; "Reset zoom" goes back.
 * Colours follow Lumo's light or dark scheme, and the chart redraws when the scheme changes.
 */
(() => {
  if (customElements.get('ts-timeline-chart')) {
    return;
  }
  const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const numberFormat = new Intl.NumberFormat();

  class TimelineChart extends HTMLElement {
    constructor() {
      super();
      this._data = null;
      this._chart = null;
    }

    set data(json) {
      this._data = json ? JSON.parse(json) : null;
      this._draw(false);
    }

    get data() {
      return this._data ? JSON.stringify(this._data) : '';
    }

    connectedCallback() {
      // A value set before this element was defined is an own property that hides the setter: take it over.
      if (Object.prototype.hasOwnProperty.call(this, 'data')) {
        const early = this.data;
        delete this.data;
        this._data = early ? JSON.parse(early) : null;
      }
      if (!this._canvas) {
        this._build();
      }
      this._schemeWatch = new MutationObserver(() => this._draw(true));
      this._schemeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['theme', 'style'] });
      this._systemWatch = matchMedia('(prefers-color-scheme: dark)');
      this._onSystem = () => this._draw(true);
      this._systemWatch.addEventListener('change', this._onSystem);
      this._draw(true);
    }

    disconnectedCallback() {
      this._schemeWatch?.disconnect();
      this._systemWatch?.removeEventListener('change', this._onSystem);
      this._chart?.destroy();
      this._chart = null;
    }

    _build() {
      const bar = document.createElement('div');
      bar.className = 'ts-chart-bar';
      this._title = document.createElement('span');
      this._title.className = 'ts-chart-title';
      const hint = document.createElement('span');
      hint.className = 'ts-chart-hint';
      hint.textContent = 'Drag across the chart to zoom';
      this._reset = document.createElement('vaadin-button');
      this._reset.className = 'ts-chart-reset';
      this._reset.setAttribute('theme', 'small tertiary');
      this._reset.textContent = 'Reset zoom';
      this._reset.hidden = true;
      this._reset.addEventListener('click', () => {
        this._chart?.resetZoom();
        this._reset.hidden = true;
      });
      bar.append(this._title, hint, this._reset);
      const area = document.createElement('div');
      area.className = 'ts-chart-area';
      this._canvas = document.createElement('canvas');
      this._tooltip = document.createElement('div');
      this._tooltip.className = 'ts-chart-tooltip';
      this._tooltip.setAttribute('role', 'status');
      this._tooltip.hidden = true;
      this._probe = document.createElement('span');
      this._probe.hidden = true;
      area.append(this._canvas, this._tooltip);
      this.append(bar, area, this._probe);
    }

    /** A Lumo colour as the canvas can use it (light-dark() and var() resolved by the browser). */
    _color(property, fallback) {
      this._probe.style.color = `var(${property}, ${fallback})`;
      return getComputedStyle(this._probe).color;
    }

    _label(t) {
      return this._data.bucketMillis >= 3600000 ? dayFormat.format(t) : timeFormat.format(t);
    }

    _draw(restyle) {
      if (!this.isConnected || !this._canvas || !this._data) {
        return;
      }
      if (!window.Chart) {
        // The scripts load in order; this runs early only if the element was created before they finished.
        setTimeout(() => this._draw(restyle), 50);
        return;
      }
      if (window.ChartZoom && !TimelineChart.zoomRegistered) {
        window.Chart.register(window.ChartZoom);
        TimelineChart.zoomRegistered = true;
      }
      const points = this._data.points;
      this._title.textContent = this._data.title;
      const labels = points.map((p) => this._label(p.t));
      const claims = points.map((p) => p.claims);
      const blocked = points.map((p) => p.blocked);
      if (this._chart && !restyle) {
        this._chart.data.labels = labels;
        this._chart.data.datasets[0].data = claims;
        this._chart.data.datasets[1].data = blocked;
        this._chart.update('none');
        return;
      }
      this._chart?.destroy();
      const primary = this._color('--lumo-primary-color', '#1676f3');
      const primaryFill = this._color('--lumo-primary-color-10pct', 'rgba(22,118,243,.1)');
      const error = this._color('--lumo-error-color', '#e5323e');
      const errorFill = this._color('--lumo-error-color-10pct', 'rgba(229,50,62,.1)');
      const text = this._color('--lumo-secondary-text-color', '#666');
      const grid = this._color('--lumo-contrast-10pct', 'rgba(0,0,0,.1)');
      this._chart = new window.Chart(this._canvas, {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'Claims', data: claims, borderColor: primary, backgroundColor: primaryFill, fill: true },
            { label: 'Blocked', data: blocked, borderColor: error, backgroundColor: errorFill, fill: true },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          elements: { point: { radius: 0, hitRadius: 6, hoverRadius: 4 }, line: { tension: 0.25, borderWidth: 2 } },
          scales: {
            x: { ticks: { color: text, maxRotation: 0, autoSkip: true, autoSkipPadding: 16 }, grid: { display: false } },
            y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
          },
          plugins: {
            legend: { labels: { color: text, boxWidth: 12 } },
            tooltip: { enabled: false, external: (context) => this._showTooltip(context) },
            zoom: {
              zoom: {
                drag: { enabled: true, backgroundColor: primaryFill, borderColor: primary, borderWidth: 1 },
                pinch: { enabled: true },
                wheel: { enabled: true, modifierKey: 'ctrl' },
                mode: 'x',
                onZoomComplete: () => { this._reset.hidden = !this._chart.isZoomedOrPanned(); },
              },
              pan: { enabled: true, mode: 'x', modifierKey: 'shift',
                onPanComplete: () => { this._reset.hidden = !this._chart.isZoomedOrPanned(); } },
            },
          },
        },
      });
    }

    _showTooltip({ chart, tooltip }) {
      const tip = this._tooltip;
      if (tooltip.opacity === 0 || !tooltip.dataPoints?.length) {
        tip.hidden = true;
        return;
      }
      const point = this._data.points[tooltip.dataPoints[0].dataIndex];
      const title = document.createElement('div');
      title.className = 'ts-chart-tooltip-title';
      title.textContent = fullFormat.formatRange
        ? fullFormat.formatRange(point.t, point.t + this._data.bucketMillis)
        : fullFormat.format(point.t);
      const rate = point.claims === 0 ? 0 : (point.blocked * 100) / point.claims;
      const line = (name, value, className) => {
        const row = document.createElement('div');
        row.className = className;
        row.textContent = `${name}: ${value}`;
        return row;
      };
      tip.replaceChildren(
        title,
        line('Claims', numberFormat.format(point.claims), 'ts-chart-tooltip-claims'),
        line('Blocked', `${numberFormat.format(point.blocked)} (${rate.toFixed(1)}%)`, 'ts-chart-tooltip-blocked'),
      );
      tip.hidden = false;
      const width = tip.offsetWidth;
      const left = Math.min(Math.max(tooltip.caretX + 12, 0), chart.width - width);
      tip.style.left = `${left}px`;
      tip.style.top = `${Math.max(tooltip.caretY - tip.offsetHeight - 8, 0)}px`;
    }
  }

  customElements.define('ts-timeline-chart', TimelineChart);
})();
