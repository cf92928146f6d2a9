// The SVG line chart writer (see svg_chart.h).
#include "performance/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "util/markup.h"

namespace vmsupport {
namespace {

constexpr double k_width = 720, k_height = 360;
constexpr double k_left = 80, k_right = 200, k_top = 40, k_bottom = 50;  // margins; legend on the right
constexpr int k_ticks = 5;
constexpr std::array<const char*, 8> k_colours = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                                  "#9467bd", "#8c564b", "#e377c2", "#17becf"};
// Dash patterns, so that the series can be told apart without colour (a
// grey-scale print, colour blindness): solid, dashed, dotted, dash-dot...
// Eight colours and seven patterns: series i and i+8 differ in pattern too.
constexpr std::array<const char*, 7> k_dashes = {"", "8 4", "2 3", "10 3 2 3", "4 2", "12 3 2 3 2 3", "1 5"};

std::string dash_attribute(std::size_t series) {
  const char* dash = k_dashes[series % k_dashes.size()];
  return *dash ? std::string(" stroke-dasharray=\"") + dash + "\"" : std::string();
}

std::string number(double value, int decimals = 1) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// 1, 2 or 5 times a power of ten, at least `raw`: a readable axis step.
double nice_step(double raw) {
  if (raw <= 0) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * power >= raw) return factor * power;
  }
  return 10 * power;
}

// 1.5k, 2.0M: short labels for large values.
std::string short_value(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9) return number(value / 1e9) + "G";
  if (magnitude >= 1e6) return number(value / 1e6) + "M";
  if (magnitude >= 1e4) return number(value / 1e3) + "k";
  return number(value, magnitude < 10 && value != std::floor(value) ? 1 : 0);
}

struct Frame {
  double t0 = 0, t1 = 1, y_max = 1;
  double x(double t) const { return k_left + (t - t0) / (t1 - t0) * (k_width - k_left - k_right); }
  double y(double v) const { return k_height - k_bottom - v / y_max * (k_height - k_top - k_bottom); }
};

Frame frame_of(const Chart& chart) {
  Frame frame;
  bool any = false;
  double top = 0;
  for (const Series& s : chart.series) {
    for (const auto& [t, v] : s.points) {
      frame.t0 = any ? std::min(frame.t0, t) : t;
      frame.t1 = any ? std::max(frame.t1, t) : t;
      top = std::max(top, v);
      any = true;
    }
  }
  if (!any || frame.t1 <= frame.t0) frame.t1 = frame.t0 + 1;
  frame.y_max = nice_step(top / k_ticks) * k_ticks;
  return frame;
}

std::string axes(const Chart& chart, const Frame& frame) {
  std::string svg;
  const double plot_right = k_width - k_right;
  const double step = frame.y_max / k_ticks;
  for (int i = 0; i <= k_ticks; ++i) {
    const double y = frame.y(step * i);
    svg += "<line x1=\"" + number(k_left) + "\" y1=\"" + number(y) + "\" x2=\"" + number(plot_right) + "\" y2=\"" +
           number(y) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + number(k_left - 6) + "\" y=\"" + number(y + 4) + "\" text-anchor=\"end\">" +
           short_value(step * i) + "</text>\n";
  }
  for (int i = 0; i <= k_ticks; ++i) {
    const double t = frame.t0 + (frame.t1 - frame.t0) * i / k_ticks;
    const double x = frame.x(t);
    svg += "<line x1=\"" + number(x) + "\" y1=\"" + number(k_height - k_bottom) + "\" x2=\"" + number(x) + "\" y2=\"" +
           number(k_height - k_bottom + 5) + "\" stroke=\"#333\"/>\n";
    svg += "<text x=\"" + number(x) + "\" y=\"" + number(k_height - k_bottom + 18) + "\" text-anchor=\"middle\">" +
           number(t) + " s</text>\n";
  }
  svg += "<line x1=\"" + number(k_left) + "\" y1=\"" + number(k_top) + "\" x2=\"" + number(k_left) + "\" y2=\"" +
         number(k_height - k_bottom) + "\" stroke=\"#333\"/>\n";
  svg += "<line x1=\"" + number(k_left) + "\" y1=\"" + number(k_height - k_bottom) + "\" x2=\"" + number(plot_right) +
         "\" y2=\"" + number(k_height - k_bottom) + "\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + number((k_left + plot_right) / 2) + "\" y=\"" + number(k_height - 8) +
         "\" text-anchor=\"middle\">time since the first snapshot (s)</text>\n";
  svg += "<text x=\"16\" y=\"" + number((k_top + k_height - k_bottom) / 2) + "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " +
         number((k_top + k_height - k_bottom) / 2) + ")\">" + escape_markup(chart.unit) + "</text>\n";
  return svg;
}

std::string lines_and_legend(const Chart& chart, const Frame& frame) {
  std::string svg;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    const std::string stroke = "stroke=\"" + std::string(k_colours[i % k_colours.size()]) + "\" stroke-width=\"2\"" +
                               dash_attribute(i);
    if (!s.points.empty()) {
      svg += "<polyline fill=\"none\" " + stroke + " points=\"";
      for (std::size_t p = 0; p < s.points.size(); ++p) {
        svg += (p ? " " : "") + number(frame.x(s.points[p].first)) + "," + number(frame.y(s.points[p].second));
      }
      svg += "\"><title>" + escape_markup(s.name) + "</title></polyline>\n";
    }
    const double y = k_top + 18.0 * static_cast<double>(i);
    const double x = k_width - k_right + 16;
    svg += "<line x1=\"" + number(x) + "\" y1=\"" + number(y - 3) + "\" x2=\"" + number(x + 28) + "\" y2=\"" +
           number(y - 3) + "\" " + stroke + "/>\n";  // the legend shows the line's pattern
    svg += "<text x=\"" + number(x + 34) + "\" y=\"" + number(y + 2) + "\">" + escape_markup(s.name) + "</text>\n";
  }
  return svg;
}

}  // namespace

std::string render_svg_chart(const Chart& chart) {
  const Frame frame = frame_of(chart);
  const bool empty = std::all_of(chart.series.begin(), chart.series.end(), [](const Series& s) { return s.points.empty(); });
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(k_width, 0) + "\" height=\"" +
         number(k_height, 0) + "\" viewBox=\"0 0 " + number(k_width, 0) + " " + number(k_height, 0) +
         "\" role=\"img\" aria-labelledby=\"title desc\" font-family=\"sans-serif\" font-size=\"11\">\n";
  svg += "<title id=\"title\">" + escape_markup(chart.title) + " (" + escape_markup(chart.unit) + ")</title>\n";
  svg += "<desc id=\"desc\">" + escape_markup(chart.title) + " over time, " + std::to_string(chart.series.size()) +
         " series</desc>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + number(k_left) + "\" y=\"24\" font-size=\"14\" font-weight=\"bold\">" + escape_markup(chart.title) +
         "</text>\n";
  svg += axes(chart, frame);
  if (empty) {
    svg += "<text x=\"" + number((k_left + k_width - k_right) / 2) + "\" y=\"" + number(k_height / 2) +
           "\" text-anchor=\"middle\">no data</text>\n";
  }
  svg += lines_and_legend(chart, frame);
  return svg + "</svg>\n";
}

}  // namespace vmsupport
