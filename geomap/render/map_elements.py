r"""geomap's own folium elements: each is one class with one template doing one job.

The data each element hands to JavaScript is written once, as compact JSON
with ``<``, ``>``, ``&`` and ``'`` escaped (as folium's ``tojavascript`` does),
so a ``</script>`` inside article text cannot end the script. The bulk of it
(places, arrows) sits in ``<script type="application/json">`` blocks read
with ``JSON.parse``, which browsers load much faster than the same data
written as a JavaScript literal. Every string that becomes HTML on the page
was passed through :func:`html.escape` before it got here.

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
    """Circle markers for every place, and for each day and event-type layer the first time it is shown.

    ``rows`` hold one list per place: ``[lat, lon, radius, colour, first_day,
    day_indexes, type_indexes, info]`` with ``first_day`` -1 when undated, and
    ``info`` the popup's pieces: ``[name, where_index, last_day, n_reports,
    n_documents, [[sentence, source_index], ...], n_more]``. ``tables`` lists
    what rows refer to by index: ``sources`` (``[doc, label, url]``, url may be
    empty), ``wheres`` (region, country and kind of place), ``days`` (ISO
    dates) and ``types`` (event types). Every string is already escaped.

    The page carries each place once and builds everything else in the
    browser, as late as it can: the popup text, in one shared popup filled
    when a marker is clicked, and the day and event-type layers (hidden at
    first) only when the reader turns one on. That keeps a map of thousands of
    places small and quick to open. The page's script sees ``{markers:
    [{layer, first, style}], group, styles, rows, days, open(index)}``.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_data">{{ this.data_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var map = {{ this._parent.get_name() }};
            var data = JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent);
            var rows = data.rows;
            var days = data.days;
            var styles = {{ this.styles_json }};
            var group = {{ this.group.get_name() }};
            var dayGroups = [{% for g in this.day_groups %}{{ g.get_name() }},{% endfor %}];
            var typeGroups = [{% for g in this.type_groups %}{{ g.get_name() }},{% endfor %}];
            var popup = L.popup({maxWidth: 380});
            function line(text) { return text ? "<p>" + text + "</p>" : ""; }
            function counted(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }
            function dayList(indexes) {
                if (indexes.length <= 8) { return indexes.map(function (d) { return days[d]; }).join(", "); }
                return days[indexes[0]] + " \u2026 " + days[indexes[indexes.length - 1]]
                    + " (" + indexes.length + " days)";
            }
            function popupHtml(row) {
                var info = row[7];
                var when = "date not known";
                if (row[4] >= 0) {
                    when = "first reported " + days[row[4]];
                    if (info[2] >= 0 && info[2] !== row[4]) { when += ", last " + days[info[2]]; }
                }
                var types = row[6].map(function (t) { return data.types[t]; }).join(", ");
                var html = '<div class="geomap-popup"><h4>' + info[0] + "</h4>";
                html += line(data.wheres[info[1]]) + line(when);
                html += line(row[5].length > 1 ? "Active: " + dayList(row[5]) : "");
                html += line(types ? "Events: " + types : "");
                html += line(counted(info[3], "report") + " in " + counted(info[4], "document"));
                if (info[5].length) {
                    html += "<ul>";
                    info[5].forEach(function (quote) {
                        var source = data.sources[quote[1]];
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
                if (info[6] > 0) { html += '<p class="src">and ' + info[6] + " more sentences</p>"; }
                return html + "</div>";
            }
            function open(index) {
                var row = rows[index];
                popup.setLatLng([row[0], row[1]]).setContent(popupHtml(row)).openOn(map);
            }
            function onClick(event) {
                L.DomEvent.stop(event);
                open(event.layer.options.row);
            }
            function circle(index, style, className) {
                var row = rows[index];
                var options = {radius: row[2], fillColor: row[3], pane: styles.pane, className: className,
                               row: index};
                return L.circleMarker([row[0], row[1]], Object.assign(options, style));
            }
            function fillWhenShown(layer, wanted, styleOf, className) {
                function fill() {
                    rows.forEach(function (row, index) {
                        if (wanted(row)) { layer.addLayer(circle(index, styleOf(row), className)); }
                    });
                }
                if (map.hasLayer(layer)) { fill(); } else { layer.once("add", fill); }
                layer.on("click", onClick);
            }
            dayGroups.forEach(function (layer, day) {
                fillWhenShown(layer, function (row) { return row[5].indexOf(day) >= 0; },
                    function (row) { return row[4] === day ? styles.fresh : styles.seen; }, "geomap-day-place");
            });
            typeGroups.forEach(function (layer, type) {
                fillWhenShown(layer, function (row) { return row[6].indexOf(type) >= 0; },
                    function () { return styles.seen; }, "geomap-type-place");
            });
            group.on("click", onClick);
            var markers = rows.map(function (row, index) {
                var marker = circle(index, styles.seen, "geomap-place");
                group.addLayer(marker);
                return {layer: marker, first: row[4], style: "seen"};
            });
            return {markers: markers, group: group, styles: styles, rows: rows, days: days, open: open};
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        rows: list[list[Any]],
        tables: dict[str, list[Any]],
        group: FeatureGroup,
        day_groups: Sequence[FeatureGroup],
        type_groups: Sequence[FeatureGroup],
        styles: dict[str, Any],
    ):
        super().__init__()
        self._name = "PlaceMarkers"
        self.data_json = js_value({"rows": rows, **tables})
        self.styles_json = js_value(styles)
        self.group = group
        self.day_groups = list(day_groups)
        self.type_groups = list(type_groups)


class SpreadArrows(MacroElement):
    """A line from each likely origin to the place it spread to, with an arrowhead polygon near the end.

    ``rows``: ``[origin_row, destination_row, origin_day, destination_day,
    arrowhead_ring, km]``, the ends given as indexes of the rows of
    ``places`` (whose points, names and days they share), the ring as
    ``[lat, lon]`` points.

    The arrows of one destination day are drawn as one multi-line and one
    multi-polygon: a map of thousands of places has thousands of links, and a
    few dozen shapes draw far faster than thousands. A click opens one shared
    popup about the arrow nearest the click. The page's script sees
    ``{days: [{parts, day, arrows}], group, open(index)}``, ``arrows`` being
    the row indexes drawn by ``parts``.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_data">{{ this.rows_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var map = {{ this._parent.get_name() }};
            var rows = JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent);
            var places = {{ this.places.get_name() }};
            var styles = {{ this.styles_json }};
            var group = {{ this.group.get_name() }};
            var popup = L.popup();
            function point(place) { return [places.rows[place][0], places.rows[place][1]]; }
            function ends(row) { return [point(row[0]), point(row[1])]; }
            function popupHtml(row) {
                return '<div class="geomap-popup"><h4>' + places.rows[row[0]][7][0] + " \u2192 "
                    + places.rows[row[1]][7][0] + "</h4><p>" + places.days[row[2]] + " \u2192 "
                    + places.days[row[3]] + " \u00b7 " + row[5] + " km</p>"
                    + "<p>Likely spread: the nearest place active earlier.</p></div>";
            }
            function open(index, latlng) {
                popup.setLatLng(latlng || point(rows[index][1])).setContent(popupHtml(rows[index])).openOn(map);
            }
            function nearest(indexes, latlng) {
                var click = map.latLngToLayerPoint(latlng);
                var best = indexes[0];
                var bestDistance = Infinity;
                indexes.forEach(function (index) {
                    var pixels = ends(rows[index]).map(function (end) { return map.latLngToLayerPoint(end); });
                    var distance = L.LineUtil.pointToSegmentDistance(click, pixels[0], pixels[1]);
                    if (distance < bestDistance) { best = index; bestDistance = distance; }
                });
                return best;
            }
            group.on("click", function (event) {
                L.DomEvent.stop(event);
                open(nearest(event.layer.options.arrows, event.latlng), event.latlng);
            });
            var byDay = {};
            rows.forEach(function (row, index) { (byDay[row[3]] = byDay[row[3]] || []).push(index); });
            var days = Object.keys(byDay).map(Number).sort(function (a, b) { return a - b; });
            return {
                days: days.map(function (day) {
                    var arrows = byDay[day];
                    var lines = arrows.map(function (index) { return ends(rows[index]); });
                    var heads = arrows.map(function (index) { return [rows[index][4]]; });
                    var parts = [
                        L.polyline(lines, Object.assign({className: "geomap-spread", arrows: arrows}, styles.line)),
                        L.polygon(heads, Object.assign({className: "geomap-arrowhead", arrows: arrows}, styles.head)),
                    ];
                    parts.forEach(function (part) { group.addLayer(part); });
                    return {parts: parts, day: day, arrows: arrows};
                }),
                group: group,
                open: open,
            };
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, rows: list[list[Any]], places: PlaceMarkers, group: FeatureGroup, styles: dict[str, Any]
    ):
        super().__init__()
        self._name = "SpreadArrows"
        self.rows_json = js_value(rows)
        self.places = places
        self.styles_json = js_value(styles)
        self.group = group


class TimeSliderControl(MacroElement):
    """A range input and a play button that replay the spread day by day.

    A place appears on its first day and stays; the places new on the day shown
    get the ``fresh`` style, the earlier ones the ``seen`` style. Undated places
    stay visible throughout. Spread arrows appear on their destination's day.
    Only the markers whose state changes are touched, so a day step stays quick
    on a map of thousands of places.
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
            function toggle(group, layer, on) {
                var shown = group.hasLayer(layer);
                if (on && !shown) { group.addLayer(layer); }
                if (!on && shown) { group.removeLayer(layer); }
            }
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
                        var on = m.first < 0 || m.first <= day;
                        toggle(places.group, m.layer, on);
                        var style = m.first === day ? "fresh" : "seen";
                        if (on && m.style !== style) {
                            m.layer.setStyle(places.styles[style]);
                            m.style = style;
                        }
                    });
                    if (spread) {
                        spread.days.forEach(function (d) {
                            d.parts.forEach(function (part) { toggle(spread.group, part, d.day <= day); });
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
