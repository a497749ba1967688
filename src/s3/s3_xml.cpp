#include "s3/s3_xml.hpp"

#include <expat.h>

#include <charconv>
#include <memory>
#include <vector>

#include "xport/errors.hpp"

namespace xport::s3::xml {

namespace {

constexpr int kMaxDepth = 32;

// A small element tree: S3's answers are flat and at most ~1000 entries (one page), so a
// tree is simpler than a state machine per answer and costs little.
struct Node {
  std::string name;
  std::string text;
  std::vector<std::unique_ptr<Node>> children;

  const Node* child(std::string_view n) const {
    for (const auto& c : children) {
      if (c->name == n) return c.get();
    }
    return nullptr;
  }
  std::string child_text(std::string_view n) const {
    const Node* c = child(n);
    return c ? c->text : std::string();
  }
};

struct Builder {
  Node root;
  std::vector<Node*> stack{&root};
  std::string failure;
  XML_Parser parser = nullptr;

  void stop(std::string why) {
    if (failure.empty()) failure = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void on_start(void* data, const XML_Char* name, const XML_Char**) {
  auto* b = static_cast<Builder*>(data);
  if (static_cast<int>(b->stack.size()) > kMaxDepth) return b->stop("nested deeper than 32");
  auto node = std::make_unique<Node>();
  node->name = name;
  Node* raw = node.get();
  b->stack.back()->children.push_back(std::move(node));
  b->stack.push_back(raw);
}

void on_end(void* data, const XML_Char*) {
  auto* b = static_cast<Builder*>(data);
  if (b->stack.size() > 1) b->stack.pop_back();
}

void on_text(void* data, const XML_Char* s, int len) {
  auto* b = static_cast<Builder*>(data);
  b->stack.back()->text.append(s, static_cast<std::size_t>(len));
}

void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Builder*>(data)->stop("a DOCTYPE (refused)");
}

// The document element, or InputError.
std::unique_ptr<Node> parse(std::string_view body) {
  Builder b;
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate("UTF-8"),
                                                                      &XML_ParserFree);
  if (!parser) throw IoError("cannot create an XML parser");
  b.parser = parser.get();
  XML_SetUserData(b.parser, &b);
  XML_SetElementHandler(b.parser, on_start, on_end);
  XML_SetCharacterDataHandler(b.parser, on_text);
  XML_SetStartDoctypeDeclHandler(b.parser, on_doctype);
  const auto status = XML_Parse(b.parser, body.data(), static_cast<int>(body.size()), XML_TRUE);
  if (!b.failure.empty()) throw InputError("S3 answered with XML that has " + b.failure);
  if (status != XML_STATUS_OK) {
    throw InputError(std::string("S3 answered with malformed XML: ") +
                     XML_ErrorString(XML_GetErrorCode(b.parser)) + " at line " +
                     std::to_string(XML_GetCurrentLineNumber(b.parser)));
  }
  if (b.root.children.size() != 1) throw InputError("S3 answered with an empty XML document");
  return std::move(b.root.children.front());
}

std::unique_ptr<Node> parse_root(std::string_view body, std::string_view root) {
  auto node = parse(body);
  if (node->name != root) {
    throw InputError("S3 answered <" + node->name.substr(0, 60) + "> where <" + std::string(root) +
                     "> was expected");
  }
  return node;
}

std::uint64_t parse_size(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw InputError("S3 listed a bad object size '" + text.substr(0, 40) + "'");
  }
  return value;
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

std::optional<ErrorBody> parse_error(std::string_view body) {
  if (body.find('<') == std::string_view::npos) return std::nullopt;
  try {
    const auto node = parse(body);
    if (node->name != "Error") return std::nullopt;
    return ErrorBody{node->child_text("Code"), node->child_text("Message")};
  } catch (const InputError&) {
    return std::nullopt;  // an HTML error page of a proxy, say: the status alone says it
  }
}

ListPage parse_list(std::string_view body) {
  const auto node = parse_root(body, "ListBucketResult");
  ListPage page;
  page.truncated = node->child_text("IsTruncated") == "true";
  page.next_token = node->child_text("NextContinuationToken");
  for (const auto& c : node->children) {
    if (c->name == "Contents") {
      ListedObject object;
      object.key = c->child_text("Key");
      object.size = parse_size(c->child_text("Size"));
      object.etag = unquote(c->child_text("ETag"));
      object.last_modified = parse_time(c->child_text("LastModified"));
      page.objects.push_back(std::move(object));
    } else if (c->name == "CommonPrefixes") {
      page.common_prefixes.push_back(c->child_text("Prefix"));
    }
  }
  if (page.truncated && page.next_token.empty()) {
    throw InputError("S3 listed a truncated page without a NextContinuationToken");
  }
  return page;
}

std::string parse_upload_id(std::string_view body) {
  const auto node = parse_root(body, "InitiateMultipartUploadResult");
  std::string id = node->child_text("UploadId");
  if (id.empty()) throw InputError("S3 started a multipart upload without an UploadId");
  return id;
}

CompleteResult parse_complete(std::string_view body) {
  const auto node = parse(body);
  if (node->name == "Error") {
    return {{}, ErrorBody{node->child_text("Code"), node->child_text("Message")}};
  }
  if (node->name != "CompleteMultipartUploadResult") {
    throw InputError("S3 answered <" + node->name.substr(0, 60) + "> to CompleteMultipartUpload");
  }
  return {unquote(node->child_text("ETag")), std::nullopt};
}

std::string complete_body(const std::vector<CompletedPart>& parts) {
  std::string out = "<CompleteMultipartUpload>";
  for (const auto& p : parts) {
    out += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>\"" +
           escape(p.etag) + "\"</ETag></Part>";
  }
  return out + "</CompleteMultipartUpload>";
}

}  // namespace xport::s3::xml
