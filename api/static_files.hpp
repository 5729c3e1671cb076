#pragma once
// /apidocs: interactive API documentation. Swagger UI (the npm package swagger-ui-dist, which
// tools/setup installs under .cache/npm) served as static files, with orgd's own page and
// initializer so that it loads /openapi.json and calls nothing outside this server.
//
//   GET /apidocs                  the page (text/html)
//   GET /apidocs/{file}           swagger-ui.css, swagger-ui-bundle.js, index.css, favicons,
//                                 swagger-initializer.js (generated), oauth2-redirect.*
//   GET /apidocs/                 308 to /apidocs (the router has no trailing-slash routes)
//
// The files are read once at start and served from memory; only the names above exist, so
// nothing else of the directory (or the file system) is reachable.
//
// Thread-safety: the routes may be called from any thread; load once at startup.

#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

// Where swagger-ui-dist is looked for when no directory is configured:
// <source tree>/.cache/npm/node_modules/swagger-ui-dist, where tools/setup installs it.
[[nodiscard]] std::filesystem::path default_swagger_ui_dir();

struct StaticFile {
  std::string content_type;
  std::shared_ptr<const std::string> body;  // shared by every response that sends it
};

class ApiDocs {
 public:
  // Reads the Swagger UI files from `swagger_ui_dir`. Errors: a file that is missing or
  // unreadable (named in the message).
  [[nodiscard]] static std::expected<std::shared_ptr<const ApiDocs>, std::string> load(
      const std::filesystem::path& swagger_ui_dir);
  // Docs that answer 503 (the files were not found), for a server started without them.
  [[nodiscard]] static std::shared_ptr<const ApiDocs> unavailable(std::string why);

  // The file served at /apidocs/<name>, or null.
  [[nodiscard]] const StaticFile* find(std::string_view name) const;
  [[nodiscard]] const StaticFile& page() const { return page_; }
  [[nodiscard]] bool available() const { return unavailable_reason_.empty(); }
  [[nodiscard]] const std::string& unavailable_reason() const { return unavailable_reason_; }

 private:
  ApiDocs();
  StaticFile page_;
  std::map<std::string, StaticFile, std::less<>> files_;
  std::string unavailable_reason_;
};

void add_apidocs_routes(Router& router, std::shared_ptr<const ApiDocs> docs);

// Wraps the router's handler: "/apidocs/" answers 308 to "/apidocs"; everything else goes on.
[[nodiscard]] RequestHandler with_apidocs_redirect(RequestHandler next);

// The names of the swagger-ui-dist files served (for tests).
[[nodiscard]] const std::vector<std::string_view>& swagger_ui_files();

}  // namespace orgd::api
