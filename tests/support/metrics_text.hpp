#pragma once
// Reads the Prometheus text format back into numbers, for tests that compare scrapes.

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace orgd::test {

using Labels = std::map<std::string, std::string>;

// "name{a=\"1\",b=\"2\"}" with labels in name order: the key of a sample.
inline std::string series(std::string_view name, const Labels& labels = {}) {
  std::string key(name);
  if (labels.empty()) return key;
  key += '{';
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) key += ',';
    first = false;
    key += label + "=\"" + value + "\"";
  }
  return key + '}';
}

// Every sample of a scrape, by series(). Throws std::runtime_error on a malformed line.
inline std::map<std::string, double> parse_metrics(std::string_view text) {
  std::map<std::string, double> samples;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos) throw std::runtime_error("bad line: " + std::string(line));
    const std::string name(line.substr(0, name_end));
    Labels labels;
    std::size_t i = name_end;
    if (line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const auto eq = line.find('=', i);
        const std::string label(line.substr(i, eq - i));
        i = eq + 2;  // past ="
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
          ++i;
        }
        ++i;  // past the closing quote
        if (i < line.size() && line[i] == ',') ++i;
        labels[label] = value;
      }
      ++i;  // past '}'
    }
    const std::string value(line.substr(i + 1));
    samples[series(name, labels)] = std::strtod(value.c_str(), nullptr);
  }
  return samples;
}

// What a sample moved by between two scrapes (a sample missing from one counts as 0).
inline double delta(const std::map<std::string, double>& before,
                    const std::map<std::string, double>& after, const std::string& key) {
  const auto value = [&key](const std::map<std::string, double>& scrape) {
    const auto found = scrape.find(key);
    return found == scrape.end() ? 0.0 : found->second;
  };
  return value(after) - value(before);
}

}  // namespace orgd::test
