// The seed's sample export plugin in C++: for every asset, its externalId, URL and the
// bounding boxes as "<title> <x> <y> <w> <h>" joined by the Config JSON's
// "separator-character"; the list goes out as <projectId>.json inside <projectId>.zip.
//
//   PLUGIN_ID=... PLUGIN_SECRET=... HOST=https://api.ango.ai ./sample_plugin
#include <xport/plugin.hpp>

#include <boost/json.hpp>

#include <cmath>
#include <cstdlib>

using namespace xport;

ExportResponse sample_callback(ExportRequest& data) {
  boost::json::object config = data.config();
  std::string separator = "-";
  if (auto* s = config.if_contains("separator-character")) separator = s->as_string().c_str();
  data.logger.info("Plugin session is started!");

  boost::json::array out;
  for (const aaf::Asset& asset : data.jsonExport) {
    std::string annotations;
    for (const aaf::Object& object : asset.objects()) {
      auto box = object.bounding_box();
      if (!box) continue;
      if (!annotations.empty()) annotations += separator;
      annotations += std::string(object.title()) + " " + std::to_string(std::lround(box->x)) + " " +
                     std::to_string(std::lround(box->y)) + " " +
                     std::to_string(std::lround(box->width)) + " " +
                     std::to_string(std::lround(box->height));
    }
    out.push_back(
        {{"externalId", asset.external_id()}, {"URL", asset.url()}, {"Annotations", annotations}});
  }

  ResultZip zip = data.new_zip();
  zip.add(data.projectId + ".json", boost::json::serialize(out));
  data.logger.info("Plugin session is finished!");
  return {zip.finish(), data.projectId + ".zip"};
}

int main() {
  auto env = [](const char* name, const char* fallback = "") {
    const char* value = std::getenv(name);
    return std::string(value ? value : fallback);
  };
  ExportPlugin plugin(env("PLUGIN_ID"), env("PLUGIN_SECRET"), sample_callback,
                      env("HOST", "https://api.ango.ai"));
  return run(plugin);
}
