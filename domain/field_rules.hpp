#pragma once
// Field formats shared by several aggregates. Each check appends a FieldProblem naming the
// field as clients spell it; an empty string always means "not set" and passes.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_error.hpp"

namespace orgd::domain {

using FieldProblems = std::vector<FieldProblem>;

// Unicode code points in valid UTF-8 (the HTTP edge rejects invalid UTF-8 before this).
[[nodiscard]] std::size_t code_points(std::string_view utf8);

// ASCII lower-casing: the normalization for unique names and emails. Non-ASCII letters are
// compared as written (documented in the README).
[[nodiscard]] std::string fold_case(std::string_view text);

void check_text(FieldProblems& out, std::string_view field, std::string_view value,
                std::size_t min_points, std::size_t max_points);
// A display name: like check_text, and no leading/trailing whitespace or control characters.
void check_name(FieldProblems& out, std::string_view field, std::string_view value,
                std::size_t max_points);
// BCP 47 language tag shape: language (2-3 letters or 4-8), then subtags of 1-8 alphanumerics.
void check_locale(FieldProblems& out, std::string_view field, std::string_view value);
// ISO 3166-1 alpha-2, officially assigned codes only, upper case.
void check_country(FieldProblems& out, std::string_view field, std::string_view value);
// An http(s) URI of RFC 3986 with a host and no credentials, at most 2048 bytes.
void check_url(FieldProblems& out, std::string_view field, std::string_view value);
// Lower-case identifier: [a-z0-9][a-z0-9-_]*, at most max bytes.
void check_slug(FieldProblems& out, std::string_view field, std::string_view value,
                std::size_t max);

}  // namespace orgd::domain
