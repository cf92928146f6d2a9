// A small self-contained SVG line chart (no scripts, no external resources):
// axes with units and time labels, one polyline per series in its own colour
// and dash pattern (told apart without colour too), a legend that shows each
// line's pattern, and a <title>/<desc> for accessibility. Pure: series in,
// SVG text out.
#pragma once

#include <string>
#include <vector>

#include "performance/proc_stats.h"

namespace vmsupport {

struct Chart {
  std::string title;   // "CPU busy"
  std::string unit;    // "%", "MiB", "bytes/s": the y axis label
  std::vector<Series> series;
};

// The chart as an SVG document. Series without points are listed in the
// legend but draw nothing; a chart with no points at all says so in its body.
std::string render_svg_chart(const Chart& chart);

}  // namespace vmsupport
