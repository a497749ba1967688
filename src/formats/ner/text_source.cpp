#include "formats/ner/text_source.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <iterator>
#include <sstream>

#include "xport/errors.hpp"

namespace xport::formats::ner {
namespace {

namespace fs = std::filesystem;

bool read_whole(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return false;
  out = std::move(s).str();
  return true;
}

// One {"externalId"?, "assetId"?, "text"} record of a texts file.
void add_record(const boost::json::value& v, const std::string& where,
                std::unordered_map<std::string, std::string>& by_asset_id,
                std::unordered_map<std::string, std::string>& by_external_id) {
  const auto* o = v.if_object();
  const auto* text = o ? o->if_contains("text") : nullptr;
  if (!text || !text->is_string())
    throw ConfigError("\"texts\": " + where +
                      ": expected {\"externalId\" or \"assetId\", \"text\"}");
  bool keyed = false;
  for (const char* key : {"assetId", "externalId"}) {
    const auto* id = o->if_contains(key);
    if (!id || !id->is_string()) continue;
    auto& map = key[0] == 'a' ? by_asset_id : by_external_id;
    map.insert_or_assign(std::string(id->as_string()), std::string(text->as_string()));
    keyed = true;
  }
  if (!keyed)
    throw ConfigError("\"texts\": " + where +
                      ": a record needs a string \"externalId\" or \"assetId\"");
}

std::string_view strip_bom(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

}  // namespace

bool safe_file_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

TextSource TextSource::load(const std::optional<std::string>& texts,
                            const std::optional<std::string>& text_field) {
  TextSource source;
  if (texts) {
    const fs::path path(*texts);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      source.dir_ = path;
    } else if (fs::is_regular_file(path, ec)) {
      std::string data;
      if (!read_whole(path, data)) throw ConfigError("\"texts\": cannot read " + path.string());
      const std::string ext = path.extension().string();
      source.file_ = true;
      if (ext == ".jsonl" || ext == ".ndjson") {
        std::size_t line_no = 0, pos = 0;
        while (pos < data.size()) {
          std::size_t end = data.find('\n', pos);
          if (end == std::string::npos) end = data.size();
          std::string_view line(data.data() + pos, end - pos);
          ++line_no;
          pos = end + 1;
          if (line_no == 1) line = strip_bom(line);
          if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
          boost::system::error_code jec;
          boost::json::value rec = boost::json::parse(line, jec);
          if (jec)
            throw ConfigError("\"texts\": " + path.string() + ":" + std::to_string(line_no) +
                              ": not JSON (" + jec.message() + ")");
          add_record(rec, path.string() + ":" + std::to_string(line_no), source.by_asset_id_,
                     source.by_external_id_);
        }
      } else if (ext == ".json") {
        boost::system::error_code jec;
        boost::json::value doc = boost::json::parse(strip_bom(data), jec);
        if (jec)
          throw ConfigError("\"texts\": " + path.string() + ": not JSON (" + jec.message() + ")");
        if (auto* o = doc.if_object()) {
          for (const auto& [key, value] : *o) {
            if (!value.is_string())
              throw ConfigError("\"texts\": " + path.string() + ": the value of \"" +
                                std::string(key) + "\" is not a string");
            source.by_external_id_.insert_or_assign(std::string(key),
                                                    std::string(value.as_string()));
          }
        } else if (auto* a = doc.if_array()) {
          for (std::size_t i = 0; i < a->size(); ++i)
            add_record((*a)[i], path.string() + "[" + std::to_string(i) + "]", source.by_asset_id_,
                       source.by_external_id_);
        } else {
          throw ConfigError("\"texts\": " + path.string() +
                            ": expected an object {externalId: text} or an array of records");
        }
      } else {
        throw ConfigError("\"texts\": " + path.string() +
                          ": a texts file must end in .json, .jsonl or .ndjson (or name a "
                          "directory)");
      }
    } else {
      throw ConfigError("\"texts\": no such directory or file: " + path.string());
    }
  }
  if (text_field) {
    std::string_view name = *text_field;
    source.field_name_ = std::string(name);
    std::size_t pos = 0;
    for (;;) {
      const std::size_t dot = name.find('.', pos);
      std::string_view part =
          name.substr(pos, dot == std::string_view::npos ? name.npos : dot - pos);
      if (part.empty())
        throw ConfigError("\"text_field\": \"" + source.field_name_ +
                          "\" is not a dotted path of keys (e.g. \"contextData.text\")");
      source.field_.emplace_back(part);
      if (dot == std::string_view::npos) break;
      pos = dot + 1;
    }
  }
  return source;
}

std::optional<std::string_view> TextSource::find(const aaf::Asset& asset, std::string& storage,
                                                 std::string& why) const {
  why.clear();
  if (!dir_.empty())
    if (auto t = from_dir(asset, storage, why)) return t;
  if (file_)
    if (auto t = from_map(asset, why)) return t;
  if (!field_.empty())
    if (auto t = from_field(asset, why)) return t;
  if (!configured()) why = "neither \"texts\" nor \"text_field\" set";
  return std::nullopt;
}

std::optional<std::string_view> TextSource::from_dir(const aaf::Asset& asset, std::string& storage,
                                                     std::string& why) const {
  // Candidates: externalId, externalId.txt, assetId, assetId.txt: never a path outside dir_.
  for (std::string_view id : {asset.external_id(), asset.asset_id()}) {
    if (!safe_file_name(id)) continue;
    for (const char* suffix : {"", ".txt"}) {
      const fs::path path = dir_ / (std::string(id) + suffix);
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) continue;
      if (!read_whole(path, storage)) throw IoError("\"texts\": cannot read " + path.string());
      return strip_bom(storage);
    }
  }
  why = safe_file_name(asset.external_id()) || safe_file_name(asset.asset_id())
            ? "no file named by externalId or assetId (with or without .txt) in \"texts\""
            : "externalId and assetId are not usable as file names (empty, or with a "
              "path separator)";
  return std::nullopt;
}

std::optional<std::string_view> TextSource::from_map(const aaf::Asset& asset,
                                                     std::string& why) const {
  if (!asset.asset_id().empty())
    if (auto it = by_asset_id_.find(std::string(asset.asset_id())); it != by_asset_id_.end())
      return strip_bom(it->second);
  if (auto it = by_external_id_.find(std::string(asset.external_id())); it != by_external_id_.end())
    return strip_bom(it->second);
  if (!why.empty()) why += "; ";
  why += "neither assetId nor externalId in the \"texts\" file";
  return std::nullopt;
}

std::optional<std::string_view> TextSource::from_field(const aaf::Asset& asset,
                                                       std::string& why) const {
  aaf::RawJson e = asset.raw();
  for (const std::string& key : field_) {
    e = e[key];  // absent when e is not an object or has no such member
    if (!e) {
      if (!why.empty()) why += "; ";
      why += "no \"" + field_name_ + "\" in the asset";
      return std::nullopt;
    }
  }
  std::optional<std::string_view> text = e.string();
  if (!text) {
    if (!why.empty()) why += "; ";
    why += "\"" + field_name_ + "\" is not a string";
    return std::nullopt;
  }
  return *text;
}

}  // namespace xport::formats::ner
