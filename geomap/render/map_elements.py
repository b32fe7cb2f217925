r"""geomap's own folium elements: each is one class with one template doing one job.

The data each element hands to JavaScript is written once, as compact JSON
with ``<``, ``>``, ``&`` and ``'`` escaped (as folium's ``tojavascript`` does),
so a ``</script>`` inside article text cannot end the script. Every string
that becomes HTML on the page was passed through :func:`html.escape` before
it got here.

Examples
--------
>>> js_value(["</script>", "a&b"])
'["\\u003c/script\\u003e","a\\u0026b"]'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from branca.element import MacroElement
from folium.map import FeatureGroup
from folium.template import Template

__all__ = [
    "AttributionText",
    "HtmlControl",
    "PlaceMarkers",
    "SpreadArrows",
    "TimeSliderControl",
    "js_value",
]


def js_value(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside ``<script>``: compact JSON, HTML-escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class PlaceMarkers(MacroElement):
    """Circle markers for every place, in the main group and in each day and event-type group.

    ``rows`` hold one list per place: ``[lat, lon, radius, colour, first_day,
    day_indexes, type_indexes, info]`` with ``first_day`` -1 when undated, and
    ``info`` the popup's escaped pieces: ``[name, where, when, active_days,
    event_types, counts, [[sentence, source_index], ...], n_more]``. ``sources``
    lists ``[doc, label, url]`` (escaped; url may be empty) once per source.
    The markers and popups are made in the browser so the page carries each
    place once.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.rows_json }};
            var sources = {{ this.sources_json }};
            var styles = {{ this.styles_json }};
            var dayGroups = [{% for g in this.day_groups %}{{ g.get_name() }},{% endfor %}];
            var typeGroups = [{% for g in this.type_groups %}{{ g.get_name() }},{% endfor %}];
            function line(text) { return text ? "<p>" + text + "</p>" : ""; }
            function popup(info) {
                var html = '<div class="geomap-popup"><h4>' + info[0] + "</h4>";
                html += line(info[1]) + line(info[2]);
                html += line(info[3] ? "Active: " + info[3] : "") + line(info[4] ? "Events: " + info[4] : "");
                html += line(info[5]);
                if (info[6].length) {
                    html += "<ul>";
                    info[6].forEach(function (quote) {
                        var source = sources[quote[1]];
                        var label = source[1];
                        if (source[2]) {
                            label = '<a href="' + source[2] + '" target="_blank" rel="noopener noreferrer">'
                                + label + "</a>";
                        }
                        html += "<li>\u201c" + quote[0] + '\u201d <span class="src">\u2014 ' + label
                            + " (" + source[0] + ")</span></li>";
                    });
                    html += "</ul>";
                }
                if (info[7] > 0) { html += '<p class="src">and ' + info[7] + " more sentences</p>"; }
                return html + "</div>";
            }
            function circle(row, style, className) {
                var options = Object.assign(
                    {radius: row[2], fillColor: row[3], pane: styles.pane, className: className}, style);
                return L.circleMarker([row[0], row[1]], options)
                    .bindPopup(function () { return popup(row[7]); }, {maxWidth: 380});
            }
            var markers = rows.map(function (row) {
                var marker = circle(row, styles.seen, "geomap-place");
                marker.addTo({{ this.group.get_name() }});
                row[5].forEach(function (day) {
                    var style = day === row[4] ? styles.fresh : styles.seen;
                    circle(row, style, "geomap-day-place").addTo(dayGroups[day]);
                });
                row[6].forEach(function (type) {
                    circle(row, styles.seen, "geomap-type-place").addTo(typeGroups[type]);
                });
                return {layer: marker, first: row[4]};
            });
            return {markers: markers, group: {{ this.group.get_name() }}, styles: styles};
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        rows: list[list[Any]],
        sources: list[list[str]],
        group: FeatureGroup,
        day_groups: Sequence[FeatureGroup],
        type_groups: Sequence[FeatureGroup],
        styles: dict[str, Any],
    ):
        super().__init__()
        self._name = "PlaceMarkers"
        self.rows_json = js_value(rows)
        self.sources_json = js_value(sources)
        self.styles_json = js_value(styles)
        self.group = group
        self.day_groups = list(day_groups)
        self.type_groups = list(type_groups)


class SpreadArrows(MacroElement):
    """A line from each likely origin to the place it spread to, with an arrowhead polygon near the end.

    ``rows``: ``[[origin, destination], arrowhead_ring, destination_day, popup_html]``,
    every point ``[lat, lon]``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.rows_json }};
            var styles = {{ this.styles_json }};
            var arrows = rows.map(function (row) {
                var line = L.polyline(row[0], Object.assign({className: "geomap-spread"}, styles.line));
                var head = L.polygon(row[1], Object.assign({className: "geomap-arrowhead"}, styles.head));
                var layer = L.featureGroup([line, head]).bindPopup(row[3]);
                layer.addTo({{ this.group.get_name() }});
                return {layer: layer, day: row[2]};
            });
            return {arrows: arrows, group: {{ this.group.get_name() }}};
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list[Any]], group: FeatureGroup, styles: dict[str, Any]):
        super().__init__()
        self._name = "SpreadArrows"
        self.rows_json = js_value(rows)
        self.styles_json = js_value(styles)
        self.group = group


class TimeSliderControl(MacroElement):
    """A range input and a play button that replay the spread day by day.

    A place appears on its first day and stays; the places new on the day shown
    get the ``fresh`` style, the earlier ones the ``seen`` style. Undated places
    stay visible throughout. Spread arrows appear on their destination's day.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var labels = {{ this.labels_json }};
            var places = {{ this.places.get_name() }};
            var spread = {{ this.spread.get_name() if this.spread else "null" }};
            var last = labels.length - 1;
            var timer = null;
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "geomap-slider leaflet-bar");
                var play = L.DomUtil.create("button", "geomap-slider-play", box);
                play.type = "button";
                play.title = "Play the spread day by day";
                var input = L.DomUtil.create("input", "geomap-slider-input", box);
                input.type = "range";
                input.min = 0;
                input.max = last;
                input.step = 1;
                input.setAttribute("aria-label", "Day shown");
                var label = L.DomUtil.create("span", "geomap-slider-label", box);
                function show(day) {
                    places.markers.forEach(function (m) {
                        if (m.first < 0 || m.first <= day) {
                            m.layer.setStyle(m.first === day ? places.styles.fresh : places.styles.seen);
                            if (!places.group.hasLayer(m.layer)) { places.group.addLayer(m.layer); }
                        } else if (places.group.hasLayer(m.layer)) {
                            places.group.removeLayer(m.layer);
                        }
                    });
                    if (spread) {
                        spread.arrows.forEach(function (a) {
                            var on = a.day <= day;
                            if (on && !spread.group.hasLayer(a.layer)) { spread.group.addLayer(a.layer); }
                            if (!on && spread.group.hasLayer(a.layer)) { spread.group.removeLayer(a.layer); }
                        });
                    }
                    input.value = day;
                    label.textContent = labels[day];
                }
                function stop() {
                    if (timer !== null) { clearInterval(timer); timer = null; }
                    play.textContent = "\\u25B6";
                }
                function start() {
                    var day = Number(input.value) >= last ? -1 : Number(input.value);
                    play.textContent = "\\u275A\\u275A";
                    timer = setInterval(function () {
                        day += 1;
                        show(day);
                        if (day >= last) { stop(); }
                    }, {{ this.interval_ms|tojson }});
                }
                input.addEventListener("input", function () { stop(); show(Number(input.value)); });
                play.addEventListener("click", function () {
                    if (timer === null) { start(); } else { stop(); }
                });
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                stop();
                show(last);
                return box;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        labels: Sequence[str],
        places: PlaceMarkers,
        spread: SpreadArrows | None = None,
        position: str = "bottomleft",
        interval_ms: int = 1200,
    ):
        super().__init__()
        self._name = "TimeSliderControl"
        self.labels_json = js_value(list(labels))
        self.places = places
        self.spread = spread
        self.position = position
        self.interval_ms = interval_ms


class HtmlControl(MacroElement):
    """A box in a corner of the map showing ready-made (already escaped) HTML: the title or the legend."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var box = L.DomUtil.create("div", {{ this.css_class|tojson }});
            box.innerHTML = {{ this.html_json }};
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            return box;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, position: str, css_class: str):
        super().__init__()
        self._name = "HtmlControl"
        self.html_json = js_value(html)
        self.position = position
        self.css_class = css_class


class AttributionText(MacroElement):
    """Adds credits (ready-made HTML) to the map's attribution line."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.html_json }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "AttributionText"
        self.html_json = js_value(html)
