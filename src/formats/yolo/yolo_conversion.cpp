#include "formats/yolo/yolo_conversion.hpp"

namespace xport::formats::yolo {
namespace {

using Action = Report::Action;

constexpr std::string_view kNoSize =
    "no image size (metadata.width/height): cannot normalise, no label file written";
constexpr std::string_view kLineBreak =
    "class name with a line break: written with spaces in obj.names";

}  // namespace

YoloConversion::YoloConversion(FormatContext& context, YoloOptions settings)
    : context_(context),
      settings_(std::move(settings)),
      builder_(settings_.task, settings_.boxes_from_polygons) {
  if (settings_.classes.reorders()) deferred_.emplace();
}

void YoloConversion::consume_asset(const aaf::Asset& asset, YoloChunk& chunk) {
  dataset::PendingNotes& notes = chunk.notes;
  notes.clear();
  const std::size_t objects = asset.objects().size();
  if (auto why = dataset::not_single_image(asset); !why.empty()) {
    notes.note(Action::dropped, dataset::kNotImage,
               std::string(why) + ", " + dataset::objects_detail(objects));
    notes.apply(chunk.report, asset);
    return;
  }
  if (!asset.width() || !asset.height()) {
    notes.note(Action::dropped, kNoSize, dataset::objects_detail(objects));
    notes.apply(chunk.report, asset);
    return;
  }
  const auto width = static_cast<double>(*asset.width());
  const auto height = static_cast<double>(*asset.height());
  const std::size_t lines_before = chunk.lines.size(), coords_before = chunk.coords.size();
  try {
    for (const aaf::Object& object : asset.objects()) {
      if (!dataset::usable_object(object, &settings_.classes, notes)) continue;
      chunk.line_ends.clear();
      auto line_start = static_cast<std::uint32_t>(chunk.coords.size());
      if (builder_.build(object, width, height, chunk.coords, chunk.line_ends, notes) == 0)
        continue;
      std::uint32_t cls = chunk.classes.id(object.title());
      for (std::uint32_t end : chunk.line_ends) {
        chunk.lines.push_back({cls, line_start, end});
        line_start = end;
      }
      if (settings_.layout == Layout::darknet &&
          object.title().find_first_of("\r\n") != std::string_view::npos)
        notes.note(Action::altered, kLineBreak, std::string(object.title()));
      notes.count(object.title(), object.kind());
    }
    auto lines = static_cast<std::uint32_t>(chunk.lines.size() - lines_before);
    if (lines == 0 && settings_.skip_empty) {
      notes.note(Action::ignored, dataset::kSkipEmpty);
      notes.apply(chunk.report, asset);
      return;
    }
    chunk.images.push_back({std::string(dataset::stem_source(asset)),
                            dataset::image_extension(asset), std::string(asset.url()),
                            settings_.split.assign(asset), static_cast<std::uint32_t>(lines_before),
                            lines});
  } catch (...) {
    chunk.lines.resize(lines_before);
    chunk.coords.resize(coords_before);
    notes.clear();
    throw;
  }
  notes.apply(chunk.report, asset);
  chunk.report.count_asset();
}

std::string YoloConversion::label_path(std::string_view split, std::string_view stem) const {
  std::string path = settings_.layout == Layout::darknet ? "obj_" + std::string(split) + "_data/"
                                                         : "labels/" + std::string(split) + "/";
  return path.append(stem).append(".txt");
}

std::string YoloConversion::image_path(std::string_view split, std::string_view stem,
                                       std::string_view extension) const {
  std::string path = settings_.layout == Layout::darknet ? "obj_" + std::string(split) + "_data/"
                                                         : "images/" + std::string(split) + "/";
  return path.append(stem).append(extension);
}

void YoloConversion::commit_chunk(YoloChunk& chunk) {
  std::string list_line;
  for (const Image& image : chunk.images) {
    std::string stem = stems_.allocate(image.stem_source);
    std::size_t split = splits_.add(image.split);
    label_.clear();
    for (std::uint32_t i = image.first_line; i < image.first_line + image.lines; ++i) {
      const Line& line = chunk.lines[i];
      label_ += std::to_string(chunk.classes.resolve(line.cls, settings_.classes));
      label_.append(chunk.coords, line.begin, line.end - line.begin);
      label_ += '\n';
    }
    std::string path = label_path(image.split, stem);
    if (deferred_)
      deferred_->add(path, label_);
    else
      context_.zip.add(path, label_, context_.entry);

    std::string image_file = image_path(image.split, stem, image.extension);
    list_line.clear();
    text::append_image_row(list_line, image_file, image.url);
    image_list_.write(list_line);
    if (settings_.layout == Layout::darknet) {
      if (split == split_lists_.size()) split_lists_.push_back(std::make_unique<Spool>());
      split_lists_[split]->write("data/" + image_file + "\n");
    }
  }
  context_.report.merge(chunk.report);
  chunk.report.clear();
  chunk.classes.clear();
  chunk.images.clear();
  chunk.lines.clear();
  chunk.coords.clear();
}

void YoloConversion::finish() {
  if (deferred_) {
    deferred_->replay(settings_.classes.final_indices(),
                      [&](std::string_view path, std::string_view labels) {
                        context_.zip.add(path, labels, context_.entry);
                      });
  }
  std::vector<std::string> names = settings_.classes.final_names();
  if (settings_.layout == Layout::darknet)
    write_darknet_files(names);
  else
    write_ultralytics_yaml(names);
  context_.zip.begin_entry("images.txt", context_.entry);
  image_list_.copy_to(context_.zip);
  context_.zip.end_entry();
}

void YoloConversion::write_ultralytics_yaml(const std::vector<std::string>& names) {
  const auto& splits = splits_.names();
  auto dir = [](std::string_view split) {
    std::string out;
    text::append_yaml_quoted(out, "images/" + std::string(split));
    return out;
  };
  std::string yaml;
  yaml += "# YOLO dataset (Ultralytics layout) written by xport; task: ";
  yaml += to_string(settings_.task);
  yaml +=
      "\n# Images are not included: images.txt lists where each one goes and its URL."
      "\n# path: the dataset root; set it to where you unzip this (absolute, or relative to"
      "\n# Ultralytics' datasets directory).\npath: ";
  text::append_yaml_quoted(yaml, context_.project_id);
  yaml += "\ntrain: ";
  std::string train;
  if (splits_.contains("train") || splits.empty()) {
    train = dir("train");
  } else {  // no split named "train": train on every split
    train = "[";
    for (std::size_t i = 0; i < splits.size(); ++i)
      train += (i ? ", " : "") + dir(splits[i]);
    train += "]";
  }
  yaml += train;
  yaml += "\nval: ";
  if (splits_.contains("val"))
    yaml += dir("val");
  else
    yaml += train + "  # no \"val\" split: validates on the training images";
  if (splits_.contains("test")) yaml += "\ntest: " + dir("test");
  yaml += "\nnc: " + std::to_string(names.size()) + "\nnames:";
  if (names.empty()) yaml += " {}";
  for (std::size_t i = 0; i < names.size(); ++i) {
    yaml += "\n  " + std::to_string(i) + ": ";
    text::append_yaml_quoted(yaml, names[i]);
  }
  yaml += '\n';
  context_.zip.add("data.yaml", yaml, context_.entry);
}

void YoloConversion::write_darknet_files(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names)
    list += text::one_line(name) + "\n";
  context_.zip.add("obj.names", list, context_.entry);

  const auto& splits = splits_.names();
  if (splits.empty()) context_.zip.add("train.txt", "", context_.entry);  // no images at all
  for (std::size_t i = 0; i < splits.size(); ++i) {
    context_.zip.begin_entry(splits[i] + ".txt", context_.entry);
    split_lists_[i]->copy_to(context_.zip);
    context_.zip.end_entry();
  }
  std::string data = "classes = " + std::to_string(names.size()) + "\n";
  std::string train = splits_.contains("train") || splits.empty() ? "train" : splits.front();
  data += "train = data/" + train + ".txt\n";
  if (splits_.contains("val")) data += "valid = data/val.txt\n";
  data += "names = data/obj.names\nbackup = backup/\n";
  context_.zip.add("obj.data", data, context_.entry);
}

}  // namespace xport::formats::yolo
