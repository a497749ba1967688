#include "formats/coco/coco_conversion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "formats/common/python_json.hpp"
#include "formats/common/text.hpp"

namespace xport::formats::coco {
namespace {

constexpr std::string_view kHeader =
    "{\"info\":{\"description\":\"Converted from an AAF export by xport\",\"version\":\"1.0\"},\n"
    "\"licenses\":[],\n\"images\":[";

constexpr std::size_t kMaxNameBytes = 100;

// A batch name as part of a file name: separators, control and reserved characters
// become '_', cut to kMaxNameBytes on a UTF-8 boundary.
std::string safe_name(std::string_view batch) {
  return text::safe_file_name(batch, kMaxNameBytes, "_");
}

}  // namespace

CocoConversion::CocoConversion(FormatContext& context, CocoOptions options)
    : context_(context), options_(std::move(options)), renderer_(options_) {
  if (options_.categories) {
    for (const std::string& name : *options_.categories)
      category_id(name);
  }
  switch (options_.split_mode) {
    case CocoOptions::SplitMode::none:
      add_document(entry_name(""));
      break;
    case CocoOptions::SplitMode::ratio:
      for (const Split& s : options_.splits)
        add_document(entry_name(s.name));
      break;
    case CocoOptions::SplitMode::batch:
      break;  // documents appear with their batches
  }
}

std::size_t CocoConversion::add_document(std::string entry) {
  documents_.push_back({std::move(entry), options_.image_id_start});
  return documents_.size() - 1;
}

std::size_t CocoConversion::batch_document(const AssetRecord& asset, const std::string& text) {
  if (!asset.has_batch && no_batch_document_ != SIZE_MAX) return no_batch_document_;
  const std::string_view batch = asset.batch.in(text);
  if (asset.has_batch) {
    auto it = batch_documents_.find(batch);
    if (it != batch_documents_.end()) return it->second;
  }
  // A new document: a file name not taken yet (distinct batches may look alike once safe).
  std::string base = asset.has_batch ? safe_name(batch) : "no_batch";
  std::string name = base;
  for (int n = 2; used_names_.contains(name); ++n)
    name = fmt::format("{}_{}", base, n);
  used_names_.insert(name);
  std::string entry = entry_name(name);
  try {
    zip::check_entry_name(entry);
  } catch (const zip::NameError&) {
    entry = entry_name(fmt::format("batch_{}", documents_.size() + 1));
  }
  std::size_t index = add_document(std::move(entry));
  if (asset.has_batch)
    batch_documents_.emplace(std::string(batch), index);
  else
    no_batch_document_ = index;
  return index;
}

std::int64_t CocoConversion::category_id(std::string_view name) {
  auto it = category_ids_.find(name);
  if (it != category_ids_.end()) return it->second;
  if (options_.categories && categories_.size() == options_.categories->size())
    throw std::logic_error("coco: a class outside \"categories\" reached commit()");
  const auto id = options_.category_id_start + static_cast<std::int64_t>(categories_.size());
  categories_.emplace_back(name);
  category_ids_.emplace(std::string(name), id);
  return id;
}

void CocoConversion::consume_asset(const aaf::Asset& asset, CocoChunk& chunk) {
  renderer_.render(asset, chunk);
}

void CocoConversion::commit_chunk(CocoChunk& chunk) {
  const std::size_t n = chunk.assets.size();
  // Each asset's document; the chunk is then written document by document (ids stay in
  // input order within each), so each section gets one piece per document per chunk.
  document_of_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const AssetRecord& a = chunk.assets[i];
    switch (options_.split_mode) {
      case CocoOptions::SplitMode::none:
        document_of_[i] = 0;
        break;
      case CocoOptions::SplitMode::ratio:
        document_of_[i] = a.split;
        break;
      case CocoOptions::SplitMode::batch:
        document_of_[i] = batch_document(a, chunk.text);
        break;
    }
  }
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  if (documents_.size() > 1) {
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return document_of_[a] < document_of_[b];
    });
  }

  for (std::size_t begin = 0; begin < n;) {
    const std::size_t d = document_of_[order_[begin]];
    Document& doc = documents_[d];
    image_text_.clear();
    annotation_text_.clear();
    std::size_t end = begin;
    for (; end < n && document_of_[order_[end]] == d; ++end) {
      const AssetRecord& a = chunk.assets[order_[end]];
      if (!a.listed) continue;
      const std::int64_t image_id = doc.next_image++;
      image_text_ += doc.any_image ? ",\n{\"id\":" : "\n{\"id\":";
      doc.any_image = true;
      pyjson::append_int(image_text_, image_id);
      image_text_ += a.image.in(chunk.text);
      for (std::size_t k = 0; k < a.annotations; ++k) {
        const AnnotationRecord& r = chunk.annotations[a.first_annotation + k];
        annotation_text_ += doc.any_annotation ? ",\n{\"id\":" : "\n{\"id\":";
        doc.any_annotation = true;
        pyjson::append_int(annotation_text_, doc.next_annotation++);
        annotation_text_ += ",\"image_id\":";
        pyjson::append_int(annotation_text_, image_id);
        annotation_text_ += ",\"category_id\":";
        pyjson::append_int(annotation_text_, category_id(r.category.in(chunk.text)));
        annotation_text_ += r.body.in(chunk.text);
      }
    }
    images_.append(d, image_text_);
    annotations_.append(d, annotation_text_);
    begin = end;
  }

  context_.report.merge(chunk.report);
  chunk.report.clear();
  chunk.text.clear();
  chunk.assets.clear();
  chunk.annotations.clear();
}

std::string CocoConversion::categories_json() const {
  std::string out;
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    out += i ? ",\n{\"id\":" : "\n{\"id\":";
    pyjson::append_int(out, category_ids_.find(categories_[i])->second);
    out += ",\"name\":";
    pyjson::append_string(out, categories_[i]);
    out += ",\"supercategory\":\"\"";
    for (const KeypointClass& k : options_.keypoint_classes) {
      if (k.category != categories_[i]) continue;
      out += ",\"keypoints\":[";
      for (std::size_t j = 0; j < k.keypoints.size(); ++j) {
        if (j) out += ',';
        pyjson::append_string(out, k.keypoints[j]);
      }
      out += "],\"skeleton\":[";
      for (std::size_t j = 0; j < k.skeleton.size(); ++j) {
        out += j ? ",[" : "[";
        pyjson::append_int(out, k.skeleton[j].first);
        out += ',';
        pyjson::append_int(out, k.skeleton[j].second);
        out += ']';
      }
      out += ']';
    }
    out += '}';
  }
  return out;
}

void CocoConversion::finish() {
  // Configured keypoint categories are listed even when no asset used them.
  for (const KeypointClass& k : options_.keypoint_classes)
    category_id(k.category);
  const std::string categories = categories_json();
  for (std::size_t d = 0; d < documents_.size(); ++d) {
    context_.zip.begin_entry(documents_[d].entry, context_.entry);
    context_.zip.write(kHeader);
    images_.copy_to(context_.zip, d);
    context_.zip.write("\n],\n\"annotations\":[");
    annotations_.copy_to(context_.zip, d);
    context_.zip.write("\n],\n\"categories\":[");
    context_.zip.write(categories);
    context_.zip.write("\n]}\n");
    context_.zip.end_entry();
  }
}

}  // namespace xport::formats::coco
