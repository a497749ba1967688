#!/usr/bin/python3
"""Checks that no xport target reaches past its layer, and draws the component graph.

  scripts/check-layers.py            # check (CI's "layers" stage)
  scripts/check-layers.py --update   # also rewrite docs/components.dot and .svg

The link graph comes from CMake itself (`cmake --graphviz` on a configure of the tree with
tests and benchmarks off, in a temporary directory). Checks, each failing with a message
naming the file or target:
  1. every xport target is declared in LAYERS below, and links only targets of lower layers
     (so there are no cycles either);
  2. a file under src/<component>/ (or apps/xport/) includes headers only of its own
     component, of what it links, or of what those export publicly (PUBLIC links);
  3. include/xport/ (the SDK's headers) includes no third-party header but Boost.JSON,
     which is part of the SDK's declared API (Config JSON objects);
  4. every exception class in src/, include/ and apps/ is named in the error model of
     docs/architecture.md;
  5. docs/components.dot (and docs/components.svg, when graphviz's `dot` is installed) is
     what this tree gives: the committed picture cannot drift from the build.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lowest first. A target may link only targets of strictly lower layers.
LAYERS = [
    ("foundation", ["xport_util"]),
    ("codecs and protocols", ["xport_zip", "xport_config", "xport_sio", "xport_net"]),
    ("export reader", ["xport_aaf"]),
    ("conversion report", ["xport_report"]),
    ("format writers", ["xport_format_common"]),
    ("converters", ["xport_formats"]),
    ("SDK, hub state, hub network", ["xport_sdk", "xport_hub_core", "xport_hub_server"]),
    ("object storage on S3 (implements hub core's ObjectStore and StorageAccess)", ["xport_s3"]),
    ("hub application", ["xport_hub_app"]),
    ("programs", ["xport", "sample_plugin", "stage_report_plugin"]),
]
# Build plumbing, not components (the shared warning flags).
IGNORED_TARGETS = {"xport_options"}

# Folders of src/ (longest first wins) and apps/ → the target they build.
SOURCE_DIRS = {
    "src/util": "xport_util",
    "src/zip": "xport_zip",
    "src/config": "xport_config",
    "src/sio": "xport_sio",
    "src/net": "xport_net",
    "src/aaf": "xport_aaf",
    "src/report": "xport_report",
    "src/formats/common": "xport_format_common",
    "src/formats": "xport_formats",
    "src/sdk": "xport_sdk",
    "src/hub/server": "xport_hub_server",
    "src/s3": "xport_s3",
    "src/hub/app": "xport_hub_app",
    "src/hub": "xport_hub_core",
    "apps/xport": "xport",
}
# Public headers (include/xport/...) → the target that implements them. None: header-only,
# usable by anyone.
PUBLIC_HEADERS = {
    "xport/errors.hpp": None,
    "xport/string_hash.hpp": None,
    "xport/io.hpp": "xport_util",
    "xport/pipe.hpp": "xport_util",
    "xport/zip.hpp": "xport_zip",
    "xport/config.hpp": "xport_config",
    "xport/aaf.hpp": "xport_aaf",
    "xport/aaf/": "xport_aaf",
    "xport/report.hpp": "xport_report",
    "xport/format.hpp": "xport_formats",
    "xport/format_options.hpp": "xport_format_common",
    "xport/typed_format.hpp": "xport_formats",
    "xport/plugin.hpp": "xport_sdk",
    "xport/platform.hpp": "xport_sdk",
}
# Third-party headers the SDK's public headers may include.
PUBLIC_THIRD_PARTY = ("boost/json",)


def fail(errors, message):
    errors.append(message)


def read_graph(build_dir):
    """Configures the tree with --graphviz; returns ({target}, [(from, to, public)])."""
    dot = os.path.join(build_dir, "graph", "xport.dot")
    cmd = ["cmake", "-S", ROOT, "-B", build_dir, "-DXPORT_BUILD_TESTS=OFF",
           "-DXPORT_BUILD_BENCH=OFF", "--graphviz=" + dot]
    if shutil.which("ninja"):
        cmd[1:1] = ["-G", "Ninja"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    labels, edges = {}, []
    with open(dot, encoding="utf-8") as f:
        for line in f:
            node = re.match(r'\s*"(node\d+)" \[ label = "([^"\\]+)', line)
            if node:
                labels[node.group(1)] = node.group(2)
                continue
            edge = re.match(r'\s*"(node\d+)" -> "(node\d+)"(.*)', line)
            if edge:
                # CMake draws PUBLIC links solid, INTERFACE dashed, PRIVATE dotted.
                public = "dotted" not in edge.group(3)
                edges.append((edge.group(1), edge.group(2), public))
    ours = lambda name: name.startswith("xport") or name in LAYER_OF
    targets = {n for n in labels.values() if ours(n) and n not in IGNORED_TARGETS}
    links = [(labels[a], labels[b], p) for a, b, p in edges
             if labels[a] in targets and labels[b] in targets]
    return targets, links


LAYER_OF = {t: i for i, (_, names) in enumerate(LAYERS) for t in names}


def check_links(targets, links, errors):
    for t in sorted(targets - LAYER_OF.keys()):
        fail(errors, f"target {t} is in no layer: declare it in LAYERS (scripts/check-layers.py)")
    for t in sorted(LAYER_OF.keys() - targets):
        fail(errors, f"LAYERS declares {t}, which the build does not define")
    for a, b, _ in links:
        if a in LAYER_OF and b in LAYER_OF and LAYER_OF[b] >= LAYER_OF[a]:
            fail(errors, f"{a} ({LAYERS[LAYER_OF[a]][0]}) links {b} "
                         f"({LAYERS[LAYER_OF[b]][0]}): a target may link lower layers only")


def reachable(target, links):
    """What `target` may include: itself, what it links, and what those link PUBLIC."""
    direct = {b for a, b, _ in links if a == target}
    seen, todo = {target} | direct, list(direct)
    while todo:
        t = todo.pop()
        for a, b, public in links:
            if a == t and public and b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def component_of_source(rel):
    for d in sorted(SOURCE_DIRS, key=len, reverse=True):
        if rel.startswith(d + "/"):
            return SOURCE_DIRS[d]
    return None


def component_of_header(header, including_file):
    """The target a quoted include belongs to; None: anyone's; "" : own (relative)."""
    for prefix in sorted(PUBLIC_HEADERS, key=len, reverse=True):
        if header == prefix or (prefix.endswith("/") and header.startswith(prefix)):
            return PUBLIC_HEADERS[prefix]
    if header.startswith("xport/"):
        return "unknown public header"
    # Relative to the including file, or to its component's folder (apps/xport adds its own).
    if os.path.exists(os.path.join(os.path.dirname(including_file), header)):
        return ""
    rel = os.path.relpath(including_file, ROOT)
    own_dirs = [d for d in SOURCE_DIRS if rel.startswith(d + "/")]
    if any(os.path.exists(os.path.join(ROOT, d, header)) for d in own_dirs if d.startswith("apps/")):
        return ""
    owner = component_of_source("src/" + header)
    return owner if owner else "unknown header"


def check_includes(links, errors):
    allowed_cache = {}
    for top in ("src", "apps"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, ROOT)
                own = component_of_source(rel)
                if own is None:
                    fail(errors, f"{rel}: in no component (SOURCE_DIRS, scripts/check-layers.py)")
                    continue
                allowed = allowed_cache.setdefault(own, reachable(own, links))
                with open(path, encoding="utf-8") as f:
                    for no, line in enumerate(f, 1):
                        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                        if not m:
                            continue
                        owner = component_of_header(m.group(1), path)
                        if owner in (None, "", own):
                            continue
                        if owner.startswith("unknown"):
                            fail(errors, f"{rel}:{no}: {m.group(1)}: {owner} "
                                         "(PUBLIC_HEADERS / SOURCE_DIRS, scripts/check-layers.py)")
                        elif owner not in allowed:
                            fail(errors, f"{rel}:{no}: {own} includes {m.group(1)} of {owner}, "
                                         "which it does not link")


def check_public_headers(errors):
    base = os.path.join(ROOT, "include")
    for dirpath, _, files in os.walk(base):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, ROOT)
            with open(path, encoding="utf-8") as f:
                for no, line in enumerate(f, 1):
                    m = re.match(r"\s*#\s*include\s+<([^>]+)>", line)
                    if not m:
                        continue
                    header = m.group(1)
                    standard = "/" not in header and "." not in header
                    if not standard and not header.startswith(PUBLIC_THIRD_PARTY):
                        fail(errors, f"{rel}:{no}: <{header}> in a public header: only the "
                                     "standard library and Boost.JSON belong in include/xport/")


def check_error_model(errors):
    with open(os.path.join(ROOT, "docs", "architecture.md"), encoding="utf-8") as f:
        doc = f.read()
    start = doc.find("## Error model")
    end = doc.find("\n## ", start + 1)
    section = doc[start:end if end != -1 else len(doc)] if start != -1 else ""
    if not section:
        fail(errors, "docs/architecture.md has no \"## Error model\" section")
    pattern = re.compile(r"\bclass\s+(\w+)\s*(?:final\s*)?:\s*public\s+([\w:]+)")
    for top in ("src", "include", "apps"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    for cls, base in pattern.findall(f.read()):
                        if not re.search(r"(Error|error|exception)$", base):
                            continue
                        if f"`{cls}`" not in section:
                            fail(errors, f"{os.path.relpath(path, ROOT)}: exception {cls} "
                                         f"(a {base}) is not in the error model of "
                                         "docs/architecture.md")


def components_dot(targets, links):
    """The graph drawn in architecture.md: one row per layer, lowest at the bottom."""
    short = lambda t: t[len("xport_"):] if t.startswith("xport_") else t
    out = ["// Generated by scripts/check-layers.py --update from `cmake --graphviz`.",
           "digraph components {",
           "  rankdir = TB;",
           '  node [shape = box, style = rounded, fontname = "Helvetica", fontsize = 11];',
           '  edge [color = "#555555"];']
    for i, (name, members) in enumerate(LAYERS):
        present = [t for t in members if t in targets]
        out.append(f'  subgraph layer{i} {{ rank = same; // {name}')
        for t in present:
            shape = ', shape = ellipse' if LAYER_OF[t] == len(LAYERS) - 1 else ""
            out.append(f'    "{short(t)}" [tooltip = "{t}"{shape}];')
        out.append("  }")
    for a, b, public in sorted(set(links)):
        style = "" if public else " [style = dashed]"
        out.append(f'  "{short(a)}" -> "{short(b)}"{style};')
    out.append('  label = "xport components: solid = PUBLIC link, dashed = PRIVATE; '
               'foundations at the bottom";')
    out.append("}")
    return "\n".join(out) + "\n"


def check_picture(dot_text, update, errors):
    dot_path = os.path.join(ROOT, "docs", "components.dot")
    svg_path = os.path.join(ROOT, "docs", "components.svg")
    render = shutil.which("dot")
    if update:
        with open(dot_path, "w", encoding="utf-8") as f:
            f.write(dot_text)
        if not render:
            fail(errors, "--update needs graphviz's dot (scripts/install-deps.sh installs it)")
            return
        subprocess.run([render, "-Tsvg", dot_path, "-o", svg_path], check=True)
        return
    committed = open(dot_path, encoding="utf-8").read() if os.path.exists(dot_path) else ""
    if committed != dot_text:
        fail(errors, "docs/components.dot is not what the build gives: "
                     "run scripts/check-layers.py --update and commit the result")
    if render and os.path.exists(svg_path):
        svg = subprocess.run([render, "-Tsvg", dot_path], check=True,
                             capture_output=True, text=True).stdout
        if svg != open(svg_path, encoding="utf-8").read():
            fail(errors, "docs/components.svg is not docs/components.dot rendered: "
                         "run scripts/check-layers.py --update")
    elif not os.path.exists(svg_path):
        fail(errors, "docs/components.svg is missing: run scripts/check-layers.py --update")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true",
                        help="rewrite docs/components.dot and docs/components.svg")
    args = parser.parse_args()
    errors = []
    with tempfile.TemporaryDirectory(prefix="xport-layers-") as build_dir:
        targets, links = read_graph(build_dir)
    check_links(targets, links, errors)
    check_includes(links, errors)
    check_public_headers(errors)
    check_error_model(errors)
    check_picture(components_dot(targets, links), args.update, errors)
    for e in errors:
        print("check-layers: " + e, file=sys.stderr)
    if errors:
        return 1
    print(f"check-layers: {len(targets)} targets in {len(LAYERS)} layers, "
          f"{len(links)} links, includes and error model ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
